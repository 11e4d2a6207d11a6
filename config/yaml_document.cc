#include "config/yaml_document.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/node/parse.h>
#include <yaml-cpp/parser.h>

#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "config/raw_text.h"
#include "config/yaml_reader.h"

namespace leadd::config {
namespace {

// Records where things start, without building nodes. Running yaml-cpp's event parser before
// YAML::Load costs a second parse of a small file and buys the facts a node tree loses: where
// each document starts, which scalars were written quoted (tag "!" rather than "?"), and where
// aliases are.
struct SyntaxScan final : YAML::EventHandler {
  std::vector<YAML::Mark> documents;
  std::vector<YAML::Mark> non_plain_scalars;
  std::vector<YAML::Mark> aliases;

  void OnDocumentStart(const YAML::Mark& mark) override { documents.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { aliases.push_back(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                const std::string&) override {
    if (tag != "?") non_plain_scalars.push_back(mark);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// True when the indentation of the (0-based) line holds a tab, which YAML forbids and
// yaml-cpp reports only as a puzzling "illegal map value".
bool IndentedWithTab(std::string_view text, int line) {
  if (line < 0) return false;
  std::size_t start = 0;
  for (int i = 0; i < line; ++i) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return false;
    ++start;
  }
  for (std::size_t i = start; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i) {
    if (text[i] == '\t') return true;
  }
  return false;
}

void ReportParserError(std::string_view text, const YAML::Exception& error, ProblemLog& log) {
  std::string message = "invalid YAML: " + error.msg;
  if (IndentedWithTab(text, error.mark.line)) message += " (indent with spaces; YAML forbids tabs)";
  log.Add(PositionOf(error.mark), "", message);
}

}  // namespace

std::optional<YAML::Node> ParseDocument(std::string_view text, ProblemLog& log) {
  const std::size_t problems_before = log.Count();
  SyntaxScan scan;
  std::istringstream stream{std::string(text)};
  try {
    YAML::Parser parser(stream);
    // Three documents are enough to tell one from several, and to see yaml-cpp stuck: on a
    // stray ',' outside a flow collection (the whole file "," or "- a\n,") it starts an empty
    // document at the same token again and again, forever.
    while (scan.documents.size() < 3 && parser.HandleNextDocument(scan)) {
    }
  } catch (const YAML::DeepRecursion& error) {
    // yaml-cpp's own guard (DepthGuard, 2000 levels) turns a "[[[[..." bomb into this exception
    // rather than a stack overflow; its message is only "bad file".
    log.Add(PositionOf(error.mark), "", "the document nests too deeply for a config file");
  } catch (const YAML::Exception& error) {
    ReportParserError(text, error, log);
  }

  // A quote yaml-cpp never sees closed does not fail the parse: the scalar silently runs on to
  // the next matching quote or the end of the file, taking the keys in between with it. Scanning
  // the raw text for quotes would have to re-implement YAML's rules for where a scalar starts
  // (the apostrophe in "O'Brien" opens nothing); instead yaml-cpp says where each non-plain
  // scalar starts, and the check only asks whether the quote found there closes on its own line.
  // Nothing in leadd's schema needs a quoted string that spans lines, so that rule costs no
  // legitimate file anything.
  for (const YAML::Mark& mark : scan.non_plain_scalars) {
    if (mark.pos < 0) continue;
    if (const auto quote = UnclosedQuoteAt(text, static_cast<std::size_t>(mark.pos))) {
      log.Add(PositionAt(text, *quote), "",
              "this quote is not closed on its line; an unclosed quote swallows the rest of the "
              "file, and quoted text may not span lines");
    }
  }
  // An alias repeats a node wherever it is used; a few of them nested make a small file expand
  // into millions of values to check. leadd's schema never needs them: a shared list of reps is
  // what round_robin: {team: ...} is for.
  for (const YAML::Mark& mark : scan.aliases) {
    log.Add(PositionOf(mark), "",
            "aliases (*name) are not supported; write the value out, or share a list of reps "
            "with teams and round_robin: {team: ...}");
  }
  if (log.Count() > problems_before) return std::nullopt;

  if (scan.documents.empty()) {
    log.Add({}, "", "the file holds no settings; it is empty or holds only comments");
    return std::nullopt;
  }
  for (std::size_t i = 1; i < scan.documents.size(); ++i) {
    const YAML::Mark& stuck = scan.documents[i];
    if (stuck.pos != scan.documents[i - 1].pos) continue;
    const std::string token =
        stuck.pos >= 0 && static_cast<std::size_t>(stuck.pos) < text.size()
            ? QuoteForMessage(text.substr(static_cast<std::size_t>(stuck.pos), 1))
            : std::string("text");
    log.Add(PositionOf(stuck), "", "invalid YAML: unexpected " + token);
    return std::nullopt;
  }
  if (scan.documents.size() > 1) {
    log.Add(PositionOf(scan.documents[1]), "",
            "a second YAML document starts here; a config file holds exactly one");
  }
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    // The event parse above accepted the same text, so this is not expected; report rather
    // than throw all the same.
    ReportParserError(text, error, log);
  }
  return std::nullopt;
}

}  // namespace leadd::config
