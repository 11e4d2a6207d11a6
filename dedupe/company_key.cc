#include "dedupe/company_key.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <unordered_set>
#include <utility>

#include "cn_places_data.h"  // generated from dedupe/data/cn_places.txt
#include "dedupe/text_fold.h"
#include "legal_suffixes_data.h"  // generated from dedupe/data/legal_suffixes.txt

namespace leadd::dedupe {
namespace {

using WordSet = std::unordered_set<std::string>;

// The lines of an embedded data file that are neither blank nor `#` comments, trimmed.
std::vector<std::string_view> DataLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (!line.empty() && line.front() != '#') lines.push_back(line);
  }
  return lines;
}

bool LongerFirst(const std::string& a, const std::string& b) { return a.size() > b.size(); }

// The legal forms, folded once, indexed by how many words they have.
struct LegalForms {
  std::vector<WordSet> suffix;            // [n]: forms of n words that may end a name
  std::vector<WordSet> prefix;            // [n]: forms of n words that may start a name
  std::vector<std::string> glued_suffix;  // CJK forms, longest first
  std::vector<std::string> glued_prefix;
  WordSet bracketed;  // contents of forms that only count as a whole bracketed group
};

std::string Join(const std::vector<std::string_view>& words, std::size_t from, std::size_t to) {
  std::string joined;
  for (std::size_t i = from; i < to; ++i) {
    if (!joined.empty()) joined.push_back(' ');
    joined.append(words[i]);
  }
  return joined;
}

bool OneCodePoint(std::string_view word) {
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(word.data(), i, static_cast<int32_t>(word.size()), c);
  return c >= 0 && static_cast<std::size_t>(i) == word.size();
}

// "s a de c v" -> "sa de cv": dotted abbreviations are also written without dots.
std::string JoinLetterRuns(const std::vector<std::string_view>& words) {
  std::string joined;
  bool last_single = false;
  for (const std::string_view word : words) {
    const bool single = OneCodePoint(word);
    if (!joined.empty() && !(single && last_single)) joined.push_back(' ');
    joined.append(word);
    last_single = single;
  }
  return joined;
}

void Add(std::vector<WordSet>& sets, const std::vector<std::string_view>& words) {
  if (sets.size() <= words.size()) sets.resize(words.size() + 1);
  sets[words.size()].insert(Join(words, 0, words.size()));
  const std::string joined = JoinLetterRuns(words);
  const auto count = static_cast<std::size_t>(std::count(joined.begin(), joined.end(), ' ') + 1);
  if (sets.size() <= count) sets.resize(count + 1);
  sets[count].insert(joined);
}

LegalForms LoadLegalForms() {
  LegalForms forms;
  for (std::string_view line : DataLines(kLegalSuffixesText)) {
    bool prefix = false;
    bool glued = false;
    while (!line.empty() && (line.front() == '^' || line.front() == '*')) {
      (line.front() == '^' ? prefix : glued) = true;
      line.remove_prefix(1);
    }
    const std::string folded = FoldText(line);
    const std::vector<std::string_view> words = SplitWords(folded);
    if (words.empty()) continue;
    if (line.front() == '(' && line.back() == ')') {
      forms.bracketed.insert(folded);
      continue;
    }
    Add(forms.suffix, words);
    if (prefix) Add(forms.prefix, words);
    if (glued && words.size() == 1 && StartsWithCjk(folded)) {
      forms.glued_suffix.push_back(folded);
      if (prefix) forms.glued_prefix.push_back(folded);
    }
  }
  std::sort(forms.glued_suffix.begin(), forms.glued_suffix.end(), LongerFirst);
  std::sort(forms.glued_prefix.begin(), forms.glued_prefix.end(), LongerFirst);
  return forms;
}

const LegalForms& GetLegalForms() {
  static const LegalForms forms = LoadLegalForms();
  return forms;
}

struct Places {
  std::vector<std::string> names;  // folded, longest first
  std::unordered_set<std::string> only_with_suffix;
  std::vector<std::string> suffixes;  // administrative, folded, longest first
};

Places LoadPlaces() {
  Places places;
  for (std::string_view line : DataLines(kCnPlacesText)) {
    const bool only_with_suffix = line.front() == '!';
    if (only_with_suffix) line.remove_prefix(1);
    std::string folded = FoldText(line);
    if (folded.empty()) continue;
    if (only_with_suffix) places.only_with_suffix.insert(folded);
    places.names.push_back(std::move(folded));
  }
  for (const char* suffix : {"特别行政区", "自治区", "省", "市", "区", "县"}) {
    places.suffixes.push_back(FoldText(suffix));
  }
  std::sort(places.names.begin(), places.names.end(), LongerFirst);
  std::sort(places.suffixes.begin(), places.suffixes.end(), LongerFirst);
  return places;
}

const Places& GetPlaces() {
  static const Places places = LoadPlaces();
  return places;
}

// The place `word` starts with, and how many bytes of `word` it takes with its administrative
// suffix; {"", 0} when it starts with none.
std::pair<std::string_view, std::size_t> LeadingPlace(std::string_view word) {
  const Places& places = GetPlaces();
  for (const std::string& name : places.names) {
    if (!word.starts_with(name)) continue;
    std::size_t end = name.size();
    for (const std::string& suffix : places.suffixes) {
      if (word.substr(end).starts_with(suffix)) {
        end += suffix.size();
        break;
      }
    }
    if (end == name.size() && places.only_with_suffix.contains(name)) continue;
    return {name, end};
  }
  return {{}, 0};
}

std::size_t CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (int32_t i = 0; i < static_cast<int32_t>(text.size()); ++count) {
    UChar32 c = 0;
    U8_NEXT(text.data(), i, static_cast<int32_t>(text.size()), c);
  }
  return count;
}

// A word of the name, or a bracketed group of words.
struct Item {
  std::vector<std::string_view> words;
  bool group = false;
};

std::vector<Item> Parse(const std::vector<std::string_view>& words) {
  std::vector<Item> items;
  std::vector<std::string_view> group;
  int depth = 0;
  for (const std::string_view word : words) {
    if (word == "(") {
      ++depth;  // nested brackets are flattened into the outer group
    } else if (word == ")") {
      if (depth == 0) continue;
      if (--depth == 0 && !group.empty()) {
        items.push_back(Item{std::move(group), true});
        group.clear();
      }
    } else if (depth > 0) {
      group.push_back(word);
    } else {
      items.push_back(Item{{word}, false});
    }
  }
  // An unclosed bracket was punctuation after all.
  for (const std::string_view word : group) items.push_back(Item{{word}, false});
  return items;
}

bool HasWordBefore(const std::vector<Item>& items, std::size_t end) {
  for (std::size_t i = 0; i < end; ++i) {
    if (!items[i].group) return true;
  }
  return false;
}

bool HasWordFrom(const std::vector<Item>& items, std::size_t begin) {
  for (std::size_t i = begin; i < items.size(); ++i) {
    if (!items[i].group) return true;
  }
  return false;
}

std::string GroupText(const Item& item) {
  return "(" + Join(item.words, 0, item.words.size()) + ")";
}

// Removes one legal form from the end; false when there is none (or nothing would be left).
bool StripSuffix(const LegalForms& forms, std::vector<Item>& items,
                 std::vector<std::string>& removed) {
  std::size_t trailing = 0;  // plain words at the end
  while (trailing < items.size() && !items[items.size() - 1 - trailing].group) ++trailing;
  std::vector<std::string_view> tail;
  for (std::size_t i = items.size() - trailing; i < items.size(); ++i) {
    tail.push_back(items[i].words.front());
  }
  for (std::size_t n = std::min(trailing, forms.suffix.size()); n >= 1; --n) {
    if (n >= forms.suffix.size()) continue;
    std::string candidate = Join(tail, tail.size() - n, tail.size());
    if (forms.suffix[n].contains(candidate) && HasWordBefore(items, items.size() - n)) {
      items.resize(items.size() - n);
      removed.push_back(std::move(candidate));
      return true;
    }
  }
  if (trailing == 0) return false;
  std::string_view& last = items.back().words.front();
  if (!EndsWithCjk(last)) return false;
  for (const std::string& form : forms.glued_suffix) {
    if (last.size() > form.size() && last.ends_with(form)) {
      last.remove_suffix(form.size());
      removed.push_back(form);
      return true;
    }
  }
  return false;
}

bool StripPrefix(const LegalForms& forms, std::vector<Item>& items,
                 std::vector<std::string>& removed) {
  std::size_t leading = 0;
  while (leading < items.size() && !items[leading].group) ++leading;
  std::vector<std::string_view> head;
  for (std::size_t i = 0; i < leading; ++i) head.push_back(items[i].words.front());
  for (std::size_t n = std::min(leading, forms.prefix.size()); n >= 1; --n) {
    if (n >= forms.prefix.size()) continue;
    std::string candidate = Join(head, 0, n);
    if (forms.prefix[n].contains(candidate) && HasWordFrom(items, n)) {
      items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n));
      removed.push_back(std::move(candidate));
      return true;
    }
  }
  if (leading == 0) return false;
  std::string_view& first = items.front().words.front();
  if (!StartsWithCjk(first)) return false;
  for (const std::string& form : forms.glued_prefix) {
    if (first.size() > form.size() && first.starts_with(form)) {
      first.remove_prefix(form.size());
      removed.push_back(form);
      return true;
    }
  }
  return false;
}

bool OnlyLegalForm(const LegalForms& forms, const std::vector<Item>& items) {
  std::vector<std::string_view> words;
  for (const Item& item : items) {
    if (item.group) return false;
    words.push_back(item.words.front());
  }
  const std::string joined = Join(words, 0, words.size());
  const std::size_t n = words.size();
  return (n < forms.suffix.size() && forms.suffix[n].contains(joined)) ||
         (n < forms.prefix.size() && forms.prefix[n].contains(joined));
}

}  // namespace

CompanyName CompanyKey(std::string_view name) {
  const LegalForms& forms = GetLegalForms();
  const std::string folded = FoldText(name, Brackets::kKeep);
  const std::vector<std::string_view> all_words = SplitWords(folded);
  std::vector<Item> items = Parse(all_words);

  std::vector<std::string> front;  // removed from the start, in order
  std::vector<std::string> back;   // removed from the end, last first
  std::string_view bracketed_place;

  // "(주)", "(株)": legal forms wherever they stand, as long as something else remains.
  const auto is_bracketed_form = [&forms](const Item& item) {
    return item.group && forms.bracketed.contains(Join(item.words, 0, item.words.size()));
  };
  if (!std::all_of(items.begin(), items.end(), is_bracketed_form)) {
    for (auto it = items.begin(); it != items.end();) {
      if (is_bracketed_form(*it)) {
        front.push_back(GroupText(*it));
        it = items.erase(it);
      } else {
        ++it;
      }
    }
  }

  bool stripped = false;
  const bool only_legal_form = OnlyLegalForm(forms, items);  // "有限公司": glued 公司 is no cue
  while (!items.empty() && !only_legal_form) {
    if (items.back().group) {
      // A location next to a legal form: "(Shenzhen) Co., Ltd.", "Co., Ltd. (Hong Kong)".
      if (!HasWordBefore(items, items.size() - 1)) break;
      std::vector<Item> rest(items.begin(), items.end() - 1);
      std::vector<std::string> scratch;
      if (!stripped && !StripSuffix(forms, rest, scratch)) break;
      const std::vector<std::string_view>& group = items.back().words;
      if (group.size() == 1) {
        const auto [place, length] = LeadingPlace(group.front());
        if (length == group.front().size()) bracketed_place = place;
      }
      back.push_back(GroupText(items.back()));
      items.pop_back();
      continue;
    }
    if (!StripSuffix(forms, items, back)) break;
    stripped = true;
  }
  while (!items.empty() && !only_legal_form && StripPrefix(forms, items, front)) {
  }
  // Only legal forms ("Co., Ltd.", "Ltd Ltd"): keep the whole text rather than a fragment of it.
  if ((!front.empty() || !back.empty()) && OnlyLegalForm(forms, items)) {
    items = Parse(all_words);
    front.clear();
    back.clear();
    bracketed_place = {};
  }

  // Places the name starts with: "广东省深圳市华为技术" -> "华为技术", "深圳市 ABC" -> "abc".
  std::vector<std::string_view> places;
  const auto add_place = [&places](std::string_view place) {
    if (std::find(places.begin(), places.end(), place) == places.end()) places.push_back(place);
  };
  while (!items.empty() && !items.front().group) {
    std::string_view& first = items.front().words.front();
    const auto [place, length] = LeadingPlace(first);
    if (length == 0) break;
    const std::string_view rest = first.substr(length);
    if (rest.empty() ? !HasWordFrom(items, 1) : CodePoints(rest) < 2) break;
    add_place(place);
    if (rest.empty()) {
      items.erase(items.begin());
    } else {
      first = rest;
    }
  }
  if (!bracketed_place.empty()) add_place(bracketed_place);

  CompanyName result;
  for (const Item& item : items) {
    for (const std::string_view word : item.words) AppendWord(result.key, word);
  }
  for (const std::string_view word : SplitWords(result.key)) result.words.emplace_back(word);
  for (const std::string& piece : front) AppendWord(result.removed, piece);
  for (auto it = back.rbegin(); it != back.rend(); ++it) AppendWord(result.removed, *it);
  for (const std::string_view place : places) {
    if (!result.location.empty()) result.location.push_back(' ');
    result.location.append(place);
  }
  return result;
}

}  // namespace leadd::dedupe
