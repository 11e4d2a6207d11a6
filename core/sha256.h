// SHA-256 of a byte string as lowercase hex: content keys for leads that carry no id.
#pragma once

#include <string>
#include <string_view>

namespace leadd {

std::string Sha256Hex(std::string_view bytes);

}  // namespace leadd
