#include "dedupe/phone_key.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "core/ascii.h"
#include "core/utf8.h"

namespace leadd::dedupe {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Far above any phone field with a few numbers and labels in it, far below what would make the
// parse costly; libphonenumber itself gives up at 250 characters per number.
constexpr std::size_t kMaxFieldBytes = 512;

// The library's metadata is built once per process; GetInstance is thread-safe and its const
// methods may be called concurrently.
const PhoneNumberUtil& Util() { return *PhoneNumberUtil::GetInstance(); }

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

// Tabs and line breaks are layout (a newline separates numbers); other control bytes mean the
// field is not text.
bool HasControlBytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t' && c != '\r' && c != '\n') || byte == 0x7F;
  });
}

// "cn" -> "CN", "UK" -> "GB"; anything the library has no metadata for -> "ZZ", which makes it
// insist on a country calling code.
std::string RegionOf(std::string_view default_region) {
  const std::string_view trimmed = Trimmed(default_region);
  if (trimmed.size() != 2) return "ZZ";
  std::string region(trimmed);
  for (char& c : region) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return "ZZ";
  }
  if (region == "UK") region = "GB";
  return Util().GetCountryCodeForRegion(region) == 0 ? std::string("ZZ") : region;
}

bool StartsWithIgnoringAsciiCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         EqualsIgnoringAsciiCase(text.substr(0, prefix.size()), prefix);
}

// The field split where one number ends and the next begins. ';' stays inside a "tel:" URI,
// where it introduces parameters (";ext=12", ";phone-context=").
std::vector<std::string_view> NumbersIn(std::string_view field) {
  static constexpr std::array<std::string_view, 9> kSeparators = {",",
                                                                  "|",
                                                                  "\n",
                                                                  "\r",
                                                                  "\xE3\x80\x81" /* 、 */,
                                                                  "\xEF\xBC\x8C" /* ， */,
                                                                  "\xEF\xBC\x9B" /* ； */,
                                                                  "\xE6\x88\x96" /* 或 */,
                                                                  ";"};
  const bool tel_uri = StartsWithIgnoringAsciiCase(Trimmed(field), "tel:");
  std::vector<std::string_view> numbers;
  std::size_t start = 0;
  std::size_t i = 0;
  while (i < field.size()) {
    std::size_t separator = 0;
    for (std::string_view candidate : kSeparators) {
      if (tel_uri && candidate == ";") continue;
      if (field.substr(i).starts_with(candidate)) separator = candidate.size();
    }
    if (separator == 0 && StartsWithIgnoringAsciiCase(field.substr(i), " or ")) separator = 4;
    if (separator == 0) {
      ++i;
      continue;
    }
    numbers.push_back(field.substr(start, i - start));
    i += separator;
    start = i;
  }
  numbers.push_back(field.substr(start));
  std::erase_if(numbers, [](std::string_view number) { return Trimmed(number).empty(); });
  return numbers;
}

// CJK words for "extension", which libphonenumber does not know; it handles the Latin ones.
std::string_view WithoutCjkExtension(std::string_view number) {
  static constexpr std::array<std::string_view, 8> kMarkers = {
      "\xE8\xBD\xAC" /* 转 */,
      "\xE8\xBD\x89" /* 轉 */,
      "\xE5\x88\x86\xE6\x9C\xBA" /* 分机 */,
      "\xE5\x88\x86\xE6\xA9\x9F" /* 分機 */,
      "\xE5\x86\x85\xE7\xBA\xBF" /* 内线 */,
      "\xE5\x85\xA7\xE7\xB7\x9A" /* 內線 */,
      "\xE5\x86\x85\xE7\xB7\x9A" /* 内線 */,
      "\xEB\x82\xB4\xEC\x84\xA0" /* 내선 */};
  std::size_t cut = number.size();
  for (std::string_view marker : kMarkers) cut = std::min(cut, number.find(marker));
  return number.substr(0, cut);
}

std::string ParseErrorSentence(PhoneNumberUtil::ErrorType error, const std::string& region) {
  switch (error) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return region == "ZZ"
                 ? "the phone number has no country calling code and the lead has no known "
                   "country to assume"
                 : "the phone number starts with an unknown country calling code";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return "the phone number has too few digits";
    case PhoneNumberUtil::TOO_LONG_NSN:
      return "the phone number has too many digits";
    case PhoneNumberUtil::NOT_A_NUMBER:
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;
  }
  return "the phone field holds no phone number";
}

std::optional<std::string> ImpossibleSentence(PhoneNumberUtil::ValidationResult result) {
  switch (result) {
    case PhoneNumberUtil::IS_POSSIBLE:
      return std::nullopt;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      return "the phone number lacks its area code";
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      return "the phone number has an unknown country calling code";
    case PhoneNumberUtil::TOO_SHORT:
      return "the phone number has too few digits for its country";
    case PhoneNumberUtil::TOO_LONG:
      return "the phone number has too many digits for its country";
    case PhoneNumberUtil::INVALID_LENGTH:
      break;
  }
  return "no phone number in its country has that many digits";
}

Result<std::string> ParseOne(const std::string& number, const std::string& region) {
  PhoneNumber parsed;
  if (const auto error = Util().Parse(number, region, &parsed);
      error != PhoneNumberUtil::NO_PARSING_ERROR) {
    return Rejected(ParseErrorSentence(error, region));
  }
  if (auto impossible = ImpossibleSentence(Util().IsPossibleNumberWithReason(parsed))) {
    return Rejected(std::move(*impossible));
  }
  std::string national;
  Util().GetNationalSignificantNumber(parsed, &national);
  if (national.empty() || national.find_first_not_of(national.front()) == std::string::npos) {
    return Rejected("the phone number is a placeholder: its digits are all the same");
  }
  parsed.clear_extension();
  std::string e164;
  Util().Format(parsed, PhoneNumberUtil::E164, &e164);
  // A key must read back as itself, or the registry and a later lead disagree. Stray zeros
  // after the calling code ("+86 0086 ...") survive one parse as a kept leading zero and
  // are trunk-stripped by the next.
  PhoneNumber reread;
  std::string again;
  if (Util().Parse(e164, "ZZ", &reread) == PhoneNumberUtil::NO_PARSING_ERROR) {
    Util().Format(reread, PhoneNumberUtil::E164, &again);
  }
  if (again != e164) return Rejected("the phone number has stray zeros after its country code");
  return e164;
}

// E.164 allows 15 digits; a field with more is refused for its length, not as a placeholder.
constexpr std::size_t kMaxE164Digits = 15;

// "00" is the international prefix of most of the world; the library only knows it as such
// for regions that use it, so "0086 ..." from a lead without a country, or from a US form,
// gets a second chance as "+86 ...". Without a country that is the only reading, so its
// refusal is the one to report.
Result<std::string> KeyOfNumber(std::string_view number, const std::string& region) {
  // A form's "000-000-0000" is refused as what it is before any reading of its zeros as an
  // international prefix can call it something else.
  std::string digits;
  for (const char c : number) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.size() >= 6 && digits.size() <= kMaxE164Digits &&
      digits.find_first_not_of(digits.front()) == std::string::npos) {
    return Rejected("the phone number is a placeholder: its digits are all the same");
  }
  auto key = ParseOne(std::string(number), region);
  const std::string_view trimmed = Trimmed(number);
  if (!key && trimmed.starts_with("00")) {
    auto international = ParseOne("+" + std::string(trimmed.substr(2)), region);
    if (international || region == "ZZ") return international;
  }
  return key;
}

Result<std::string> KeyOfPiece(std::string_view piece, const std::string& region) {
  piece = WithoutCjkExtension(piece);
  auto key = KeyOfNumber(piece, region);
  if (const auto slash = piece.find('/'); !key && slash != std::string_view::npos) {
    if (auto first = KeyOfNumber(piece.substr(0, slash), region)) return first;
  }
  return key;
}

}  // namespace

Result<std::string> PhoneKey(std::string_view text, std::string_view default_region) {
  if (text.size() > kMaxFieldBytes) {
    return Rejected("the phone field is longer than " + std::to_string(kMaxFieldBytes) +
                    " bytes, more than any phone number");
  }
  if (!IsValidUtf8(text)) return Rejected("the phone field is not valid UTF-8");
  if (HasControlBytes(text)) return Rejected("the phone field holds control characters");
  const std::string region = RegionOf(default_region);
  const auto pieces = NumbersIn(text);
  if (pieces.empty()) return Rejected("the phone field is empty");
  std::optional<Result<std::string>> first_refusal;
  for (std::string_view piece : pieces) {
    auto key = KeyOfPiece(piece, region);
    if (key) return key;
    if (!first_refusal) first_refusal.emplace(std::move(key));
  }
  return std::move(*first_refusal);
}

std::string PhoneCountryCode(std::string_view e164) {
  if (!e164.starts_with('+') || e164.substr(1).starts_with('0')) return {};
  // Calling codes are a prefix code of one to three digits, so the shortest known one is it.
  int code = 0;
  for (std::size_t i = 1; i <= 3 && i < e164.size(); ++i) {
    if (e164[i] < '0' || e164[i] > '9') return {};
    code = code * 10 + (e164[i] - '0');
    std::string region;
    Util().GetRegionCodeForCountryCode(code, &region);
    if (region != "ZZ") return std::string(e164.substr(0, i + 1));
  }
  return {};
}

}  // namespace leadd::dedupe
