// The exact-match key of a phone number: E.164 ("+8613912345678"), as the owner registry
// indexes it. Leads write the same line in many ways ("139 1234 5678", "+86 139-1234-5678",
// full-width digits, "tel:" URIs); libphonenumber knows each country's trunk and international
// prefixes, so the key agrees across them.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace leadd::dedupe {

// Parses `text` as the lead's phone field and returns its E.164 form, without any extension.
//
// `default_region` is the lead's country, ISO 3166-1 alpha-2 in any case ("cn", "GB"; "UK" is
// read as GB because forms use it). Empty or unknown means no country: then only numbers
// written with "+" or a leading "00" yield a key, since a national number alone cannot say
// where it is.
//
// The field may hold several numbers ("13912345678 / 010-12345678", one per line, separated
// by "," ";" "|" "、" "，" "；" "或" or " or "): the key is that of the first one that parses,
// so one lead yields one key. A "/" separates only when the text around it is not already one
// number, because German numbers write "089/1234567".
//
// Extensions ("ext. 12", "x12", "#12", ";ext=12", "转12", "分机12", "内線12") are dropped: the
// owner registry matches the line, not the desk.
//
// Refused, with a sentence saying why: text that is not a number, too short or too long,
// not valid UTF-8 or holding control characters, a number without its area code (US
// "555-0123", which would collide across cities), a number whose length no number of its
// country has, placeholders whose national digits are all the same ("0000000000"), and
// numbers whose key would not read back as itself (stray zeros after the calling code).
//
// The number need only be possible (the right length for its country), not valid (in a range
// the metadata knows is allocated): the library's metadata lags behind regulators, and
// refusing a real lead's new range loses a match, while keying an unallocated number just
// never matches anyone.
Result<std::string> PhoneKey(std::string_view text, std::string_view default_region);

// The country calling code of a key from PhoneKey ("+8613912345678" -> "+86"), for matchers
// that want to know whether two numbers are in the same numbering plan. It is not a region:
// "+1" covers the US, Canada and the Caribbean, "+7" Russia and Kazakhstan. Empty when `e164`
// does not start with "+" and a known calling code.
std::string PhoneCountryCode(std::string_view e164);

}  // namespace leadd::dedupe
