// JsonWriter: builds compact JSON text for API answers and stored explanations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leadd {

// Strings are written as given (callers hold valid UTF-8: parsed input or our own text);
// quotes, backslashes and control characters are escaped.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value that is already JSON text (e.g. a stored explanation).
  JsonWriter& RawJson(std::string_view json);

  // Shorthands for the common "key": value member.
  JsonWriter& Member(std::string_view key, std::string_view value) {
    return Key(key).String(value);
  }

  const std::string& Text() const { return out_; }

 private:
  void BeforeValue();
  void Escaped(std::string_view text);

  std::string out_;
  std::vector<bool> first_in_scope_;  // one per open object/array
  bool after_key_ = false;
};

}  // namespace leadd
