#include "cli/admin_answers.h"

namespace leadd::cli {

std::string JsonText(simdjson::dom::element element, std::string_view key) {
  std::string_view value;
  if (element[key].get(value)) return {};
  return std::string(value);
}

std::int64_t JsonNumber(simdjson::dom::element element, std::string_view key) {
  std::int64_t value = 0;
  if (element[key].get(value)) return 0;
  return value;
}

std::string RefusalOf(const HttpAnswer& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(answer.body).get(root) || JsonText(root, "error").empty()) return answer.body;
  std::string why = JsonText(root, "error");
  // An unknown name's refusal lists the known ones (metrics).
  simdjson::dom::array known;
  if (!root["known"].get(known)) {
    why += known.size() == 0 ? "; none is defined" : "; known:";
    for (auto name : known) {
      std::string_view text;
      if (!name.get(text)) why += " " + std::string(text);
    }
  }
  return why;
}

std::optional<int> CallAdmin(const AdminClient& client, std::string_view method,
                             const std::string& path, const std::string& body, std::ostream& err,
                             HttpAnswer& answer, int expected) {
  auto sent = client.Send(method, path, body);
  if (!sent) {
    err << "leadctl: " << sent.error().detail << "\n";
    return kExitUnavailable;
  }
  answer = std::move(sent).value();
  if (answer.status == expected) return std::nullopt;
  err << "leadctl: leadd answered " << answer.status << ": " << RefusalOf(answer) << "\n";
  return answer.status == 503 ? kExitUnavailable : kExitRefused;
}

}  // namespace leadd::cli
