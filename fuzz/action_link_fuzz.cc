// Fuzz target: the token of GET/POST /v1/links/{token} and the form body such a POST carries.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/action_link.h"

namespace {

constexpr std::string_view kSecret = "fuzz-secret-fuzz-secret-fuzz-secret!";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using leadd::api::ActionLinkSigner;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const ActionLinkSigner signer{std::string(kSecret)};
  const leadd::WallTime now{std::chrono::milliseconds(1'700'000'000'000)};

  // Forged input almost never carries a valid MAC, so what matters is that nothing crashes and
  // every refusal is a rejection with a sentence.
  if (auto verified = signer.Verify(input, now); !verified) {
    if (verified.error().code != leadd::Errc::kRejected || verified.error().detail.empty()) {
      __builtin_trap();
    }
  }
  (void)leadd::api::ParseFormBody(input, {"reason"}, 4096, 1000);

  // Claims taken from the input: whatever Sign accepts, Verify must give back unchanged.
  const auto split = input.find('\n');
  leadd::api::LinkClaims claims;
  claims.lead_id = "L-" + std::to_string(size);
  claims.rep = std::string(input.substr(0, split));
  claims.assignment_id = std::to_string(size % 7 + 1);
  claims.action = size % 2 == 0 ? leadd::api::LinkAction::kAccept : leadd::api::LinkAction::kReject;
  claims.expires = now + std::chrono::milliseconds(1);
  if (auto token = signer.Sign(claims)) {
    auto back = signer.Verify(token.value(), now);
    if (!back || back.value().rep != claims.rep || back.value().action != claims.action ||
        back.value().lead_id != claims.lead_id || back.value().expires != claims.expires) {
      __builtin_trap();
    }
  }
  return 0;
}
