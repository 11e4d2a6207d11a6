#include "dedupe/company_key.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <unordered_set>

#include "dedupe/text_fold.h"
#include "legal_suffixes_data.h"  // generated from dedupe/data/legal_suffixes.txt

namespace leadd::dedupe {
namespace {

using WordSet = std::unordered_set<std::string>;

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
  std::string_view text = kLegalSuffixesText;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
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
  const auto longest_first = [](const std::string& a, const std::string& b) {
    return a.size() > b.size();
  };
  std::sort(forms.glued_suffix.begin(), forms.glued_suffix.end(), longest_first);
  std::sort(forms.glued_prefix.begin(), forms.glued_prefix.end(), longest_first);
  return forms;
}

const LegalForms& GetLegalForms() {
  static const LegalForms forms = LoadLegalForms();
  return forms;
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
  }

  CompanyName result;
  for (const Item& item : items) {
    for (const std::string_view word : item.words) AppendWord(result.key, word);
  }
  for (const std::string_view word : SplitWords(result.key)) result.words.emplace_back(word);
  for (const std::string& piece : front) AppendWord(result.removed, piece);
  for (auto it = back.rbegin(); it != back.rend(); ++it) AppendWord(result.removed, *it);
  return result;
}

}  // namespace leadd::dedupe
