#include "connectors/json_fields.h"

#include <simdjson.h>

#include <set>

namespace leadd::connectors {

Result<JsonFields> ReadJsonFields(std::string_view body, const FieldLimit& limit) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(body.data(), body.size()).get(root); error) {
    return Rejected(std::string("body is not valid JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get(object)) return Rejected("body must be a JSON object");

  JsonFields fields;
  std::set<std::string_view> seen;  // views into the parser's document, alive until return
  for (auto [key, value] : object) {
    const std::size_t max_bytes = limit(key);
    if (max_bytes == 0) return Rejected("unknown field '" + std::string(key.substr(0, 64)) + "'");
    if (!seen.insert(key).second) return Rejected("field '" + std::string(key) + "' appears twice");
    if (value.is_null()) continue;
    std::string_view text;
    if (value.get(text)) return Rejected("field '" + std::string(key) + "' must be a string");
    if (text.size() > max_bytes) {
      return Rejected("field '" + std::string(key) + "' is longer than " +
                      std::to_string(max_bytes) + " bytes");
    }
    fields.emplace(std::string(key), std::string(text));
  }
  return fields;
}

}  // namespace leadd::connectors
