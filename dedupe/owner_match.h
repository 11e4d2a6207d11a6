// OwnerMatch: the answer of dedupe, "this lead belongs to that rep, because ...".
#pragma once

#include <string>

namespace leadd::dedupe {

struct OwnerMatch {
  std::string rep;      // the registered owner
  std::string key;      // which key agreed: "email"
  std::string because;  // a sentence for the explanation, free of personal data
};

}  // namespace leadd::dedupe
