// CompanyKey: the exact-match key of a company name, with its legal form removed, so that
// "深圳市華為技術有限公司" and "深圳市华为技术有限公司", or "Siemens AG" and "SIEMENS
// Aktiengesellschaft", index the same owner.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leadd::dedupe {

struct CompanyName {
  // FoldText of the name without its legal forms; empty when nothing is left to compare.
  std::string key;
  // The words of `key`. A CJK run is one word (the matcher makes character bigrams from it;
  // one word per character would make token-sort comparison shuffle the characters).
  std::vector<std::string> words;
  // What was removed, folded and in name order ("co ltd", "(shenzhen) co ltd", "株式会社"),
  // for explanations; empty when nothing was.
  std::string removed;
  // Where a Chinese name says the company is registered, from dedupe/data/cn_places.txt and
  // without 省/市: the places it starts with and a bracketed place, folded and space-separated
  // ("广东 深圳" of "广东省深圳市…", "深圳" of "华为技术（深圳）有限公司"); empty when none.
  // The key leaves them out, so that "华为技术" meets "深圳市华为技术"; the matcher weighs
  // two names that both give a place and share none as two firms. A leading place is not
  // repeated in `removed`; a bracketed one stays there, as written.
  std::string location = {};
};

// Removes the legal forms of dedupe/data/legal_suffixes.txt as whole words at the end (and,
// for Japanese and Korean, the start), repeatedly ("Foo Co., Ltd." -> "foo"); CJK forms also
// when glued to the end (or start) of a CJK word. A bracketed group right before or after a
// removed legal form is a registration location and goes too ("ABC Trading (Shenzhen) Co.,
// Ltd." -> "abc trading"). A name that is nothing but a legal form keeps it: "Company" or
// "有限公司" alone is all we know, and an empty key would match every other empty key. Places
// a Chinese name starts with ("深圳市", "广东省深圳市", "台北") go into `location` as long as
// two characters of the name remain, as does a bracketed place the legal form took along.
CompanyName CompanyKey(std::string_view name);

}  // namespace leadd::dedupe
