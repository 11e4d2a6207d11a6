#include "api/action_link.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

namespace leadd::api {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
const WallTime kExpires{milliseconds(1'700'000'000'000)};

LinkClaims Claims(LinkAction action = LinkAction::kAccept) {
  return {"L-7", "alice", action, "3", kExpires};
}

std::string Token(const LinkClaims& claims = Claims()) {
  return ActionLinkSigner(std::string(kSecret)).Sign(claims).value();
}

Result<LinkClaims> Check(std::string_view token, WallTime now = kExpires - milliseconds(1)) {
  return ActionLinkSigner(std::string(kSecret)).Verify(token, now);
}

std::string Refusal(std::string_view token, WallTime now = kExpires - milliseconds(1)) {
  const auto verified = Check(token, now);
  if (verified) return "accepted";
  EXPECT_EQ(verified.error().code, Errc::kRejected);
  return verified.error().detail;
}

// A token over any payload, signed properly: what a future (or broken) signer could produce.
std::string SignedRaw(std::string_view payload) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &length);
  const auto encode = [](std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
  };
  return encode(payload) + "." +
         encode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

TEST(ActionLinkTest, RoundTripKeepsEveryClaim) {
  for (const auto action : {LinkAction::kAccept, LinkAction::kReject}) {
    const auto verified = Check(Token(Claims(action)));
    ASSERT_TRUE(verified) << verified.error().detail;
    EXPECT_EQ(verified.value().lead_id, "L-7");
    EXPECT_EQ(verified.value().rep, "alice");
    EXPECT_EQ(verified.value().action, action);
    EXPECT_EQ(verified.value().assignment_id, "3");
    EXPECT_EQ(verified.value().expires, kExpires);
  }
}

// The black-box test and any other signer (docs/api.md) build the same bytes.
TEST(ActionLinkTest, TokenFormatIsTheDocumentedOne) {
  EXPECT_EQ(Token(), SignedRaw("lk1\nL-7\nalice\naccept\n3\n1700000000000"));
  EXPECT_EQ(Token(),
            "bGsxCkwtNwphbGljZQphY2NlcHQKMwoxNzAwMDAwMDAwMDAw."
            "o07t2nB2qxraO6Eg_oGrmDd6AvgeJ2cfC1IxORHruZE");
}

TEST(ActionLinkTest, EveryFlippedByteIsRefused) {
  const std::string token = Token();
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_NE(Refusal(tampered), "accepted") << "byte " << i;
  }
}

TEST(ActionLinkTest, ChangedClaimsUnderTheOldSignatureAreRefused) {
  const std::string token = Token();
  const std::string signature = token.substr(token.find('.'));
  const std::string other = SignedRaw("lk1\nL-7\nalice\naccept\n4\n1700000000000");
  const std::string forged = other.substr(0, other.find('.')) + signature;
  EXPECT_EQ(Refusal(forged), "the link's signature does not match");
  std::string flipped_signature = token;
  flipped_signature[token.find('.') + 5] ^= 0x01;
  EXPECT_NE(Refusal(flipped_signature), "accepted");
}

TEST(ActionLinkTest, TruncatedTokensAreRefused) {
  const std::string token = Token();
  for (std::size_t size = 0; size < token.size(); ++size) {
    EXPECT_NE(Refusal(token.substr(0, size)), "accepted") << "size " << size;
    EXPECT_NE(Refusal(token.substr(size + 1)), "accepted") << "from " << size + 1;
  }
}

TEST(ActionLinkTest, ExtraDotsAreMalformed) {
  const std::string token = Token();
  EXPECT_EQ(Refusal(token + "."), "the link is malformed");
  EXPECT_EQ(Refusal("." + token), "the link is malformed");
  EXPECT_EQ(Refusal(token + ".abc"), "the link is malformed");
  EXPECT_EQ(Refusal(token.substr(0, token.find('.'))), "the link is malformed");
  EXPECT_EQ(Refusal("."), "the link is malformed");
  EXPECT_EQ(Refusal(".."), "the link is malformed");
}

TEST(ActionLinkTest, AnotherSecretsTokenIsRefused) {
  const auto other = ActionLinkSigner(std::string(kSecret) + "!").Sign(Claims()).value();
  EXPECT_EQ(Refusal(other), "the link's signature does not match");
  EXPECT_EQ(ActionLinkSigner(std::string(kSecret) + "!").Verify(other, WallTime{}).value().rep,
            "alice");
}

// Valid while now < expires: at the expiry millisecond itself the link is already expired.
TEST(ActionLinkTest, ExpiresAtTheExpiryMillisecond) {
  const std::string token = Token();
  EXPECT_EQ(Refusal(token, kExpires - milliseconds(1)), "accepted");
  EXPECT_EQ(Refusal(token, kExpires), kLinkExpired);
  EXPECT_EQ(Refusal(token, kExpires + milliseconds(1)), kLinkExpired);
  // Sub-millisecond time before the expiry counts as before it.
  EXPECT_EQ(Refusal(token, kExpires - std::chrono::microseconds(1)), "accepted");
}

TEST(ActionLinkTest, OversizeTokensAreRefusedBeforeDecoding) {
  EXPECT_EQ(Refusal(std::string(kMaxLinkTokenBytes + 1, 'A')), "the link is too long");
  EXPECT_EQ(Refusal(Token() + std::string(kMaxLinkTokenBytes, 'A')), "the link is too long");
  EXPECT_EQ(Refusal(std::string(kMaxLinkTokenBytes, 'A')), "the link is malformed");
  EXPECT_EQ(Refusal(std::string(1 << 20, '.')), "the link is too long");
}

TEST(ActionLinkTest, NonBase64UrlCharactersAreRefused) {
  const std::string token = Token();
  for (const char bad : {'+', '/', '=', ' ', '%', '\0', '\n', '\xC3', '~'}) {
    std::string tampered = token;
    tampered[3] = bad;
    EXPECT_EQ(Refusal(tampered), "the link is not valid base64url") << int{bad};
    tampered = token;
    tampered[token.size() - 2] = bad;
    EXPECT_EQ(Refusal(tampered), "the link is not valid base64url") << int{bad};
  }
  // Padding, and a last character with bits the encoder never sets, are other spellings.
  EXPECT_EQ(Refusal(token + "="), "the link is not valid base64url");
  std::string loose_bits = token;
  loose_bits.back() = 'F';  // 'E' ends the signature; 'F' differs only in unused bits
  ASSERT_EQ(token.back(), 'E');
  EXPECT_EQ(Refusal(loose_bits), "the link is not valid base64url");
}

TEST(ActionLinkTest, EmptyTokenIsRefused) { EXPECT_EQ(Refusal(""), "the link is empty"); }

TEST(ActionLinkTest, SignedButUnknownFormatsAreRefused) {
  EXPECT_EQ(Refusal(SignedRaw("lk2\nL-7\nalice\naccept\n3\n1700000000000")),
            "the link's version is not supported");
  EXPECT_EQ(Refusal(SignedRaw("lk1")), "the link is malformed");
  EXPECT_EQ(Refusal(SignedRaw("")), "the link is malformed");  // nothing before the dot
  for (const std::string_view payload : {
           "lk1\nL-7\nalice\naccept\n3",
           "lk1\nL-7\nalice\naccept\n3\n1700000000000\n",
           "lk1\nL-7\nalice\nclaim\n3\n1700000000000",
           "lk1\nX-7\nalice\naccept\n3\n1700000000000",
           "lk1\nL-7\n\naccept\n3\n1700000000000",
           "lk1\nL-7\nalice\naccept\n-3\n1700000000000",
           "lk1\nL-7\nalice\naccept\n3\n99999999999999999999",
           "lk1\nL-7\nalice\naccept\n3\n",
       }) {
    EXPECT_EQ(Refusal(SignedRaw(payload)), "the link is malformed") << payload;
  }
}

TEST(ActionLinkTest, SignRefusesClaimsThePayloadCannotCarry) {
  const ActionLinkSigner signer{std::string(kSecret)};
  auto claims = Claims();
  claims.rep = "ali\nce";
  EXPECT_THAT(signer.Sign(claims).error().detail, HasSubstr("rep id"));
  claims = Claims();
  claims.lead_id = "lead:7";
  EXPECT_THAT(signer.Sign(claims).error().detail, HasSubstr("lead id"));
  claims = Claims();
  claims.assignment_id = "3a";
  EXPECT_THAT(signer.Sign(claims).error().detail, HasSubstr("assignment id"));
  claims = Claims();
  claims.expires = WallTime{};
  EXPECT_THAT(signer.Sign(claims).error().detail, HasSubstr("expiry"));
}

TEST(ActionLinkTest, LinksStartAtThePublicUrl) {
  config::HttpSettings http;
  http.listen = "127.0.0.1:9090";
  EXPECT_EQ(PublicBaseUrl(http), "http://127.0.0.1:9090");
  http.public_url = "https://leads.example.com/crm";
  EXPECT_EQ(ActionLinkUrl(PublicBaseUrl(http), "abc.def"),
            "https://leads.example.com/crm/v1/links/abc.def");

  const ActionLinkSigner signer{std::string(kSecret)};
  http.link_ttl = std::chrono::hours(1);
  const WallTime now = kExpires;
  const auto links = MakeActionLinks(signer, http, "L-9", "bob", "12", now).value();
  constexpr std::string_view kPrefix = "https://leads.example.com/crm/v1/links/";
  ASSERT_TRUE(links.accept.starts_with(kPrefix));
  ASSERT_TRUE(links.reject.starts_with(kPrefix));
  const auto accept = signer.Verify(links.accept.substr(kPrefix.size()), now).value();
  const auto reject = signer.Verify(links.reject.substr(kPrefix.size()), now).value();
  EXPECT_EQ(accept.action, LinkAction::kAccept);
  EXPECT_EQ(reject.action, LinkAction::kReject);
  EXPECT_EQ(accept.lead_id, "L-9");
  EXPECT_EQ(reject.rep, "bob");
  EXPECT_EQ(reject.assignment_id, "12");
  EXPECT_EQ(accept.expires, now + std::chrono::hours(1));
  EXPECT_FALSE(MakeActionLinks(signer, http, "L-9", "", "12", now));
}

// The form a link page posts.

Result<FormFields> Form(std::string_view body) { return ParseFormBody(body, {"reason"}, 64, 16); }

std::string FormRefusal(std::string_view body) {
  const auto parsed = Form(body);
  if (parsed) return "accepted";
  EXPECT_EQ(parsed.error().code, Errc::kRejected);
  return parsed.error().detail;
}

TEST(FormBodyTest, DecodesPlusAndEscapes) {
  EXPECT_TRUE(Form("").value().empty());
  EXPECT_EQ(Form("reason=not+our%20market").value().at("reason"), "not our market");
  EXPECT_EQ(Form("reason=%2B%26%3d").value().at("reason"), "+&=");
  EXPECT_EQ(Form("reason=").value().at("reason"), "");
  EXPECT_EQ(Form("reason=a=b").value().at("reason"), "a=b");
  EXPECT_EQ(Form("reas%6Fn=x").value().at("reason"), "x");
  EXPECT_EQ(Form("reason=caf%C3%A9").value().at("reason"), "caf\xC3\xA9");
}

TEST(FormBodyTest, BadEscapesAreRefused) {
  for (const std::string_view body : {"reason=%", "reason=%4", "reason=%zz", "reason=%4g",
                                      "reason=a%", "reason=%%41", "reason=% 4"}) {
    EXPECT_EQ(FormRefusal(body), "the form holds a bad %-escape") << body;
  }
}

TEST(FormBodyTest, AnythingButNameValuePairsIsRefused) {
  for (const std::string_view body :
       {"reason", "=x", "&", "reason=a&", "&reason=a", "reason=a&&", "reason=a;b&c"}) {
    EXPECT_NE(FormRefusal(body), "accepted") << body;
  }
  EXPECT_EQ(FormRefusal("reason=a&reason=b"), "the form repeats the field reason");
  EXPECT_EQ(FormRefusal("pool=public"), "the form has an unknown field");
  EXPECT_EQ(FormRefusal("reason=a&assignment_id=9"), "the form has an unknown field");
}

TEST(FormBodyTest, TextMustBeCleanUtf8) {
  for (const std::string_view body :
       {"reason=%00", "reason=a%00b", "reason=%FF", "reason=%C3", "reason=%C0%AF",
        "reason=%ED%A0%80", "reason=%F4%90%80%80", "reason=%80", "reason=%E2%82"}) {
    EXPECT_EQ(FormRefusal(body), "the reason is not UTF-8 text") << body;
  }
  EXPECT_EQ(Form("reason=%F0%9F%99%82").value().at("reason"), "\xF0\x9F\x99\x82");
}

TEST(FormBodyTest, SizesAreCapped) {
  EXPECT_EQ(FormRefusal("reason=" + std::string(58, 'a')), "the form is too large");
  EXPECT_EQ(Form("reason=" + std::string(16, 'a')).value().at("reason").size(), 16U);
  EXPECT_EQ(FormRefusal("reason=" + std::string(17, 'a')), "the reason is longer than 16 bytes");
  // Escapes count decoded: 48 bytes of body, 16 of text.
  std::string escaped = "reason=";
  for (int i = 0; i < 16; ++i) escaped += "%41";
  EXPECT_EQ(Form(escaped).value().at("reason"), std::string(16, 'A'));
}

}  // namespace
}  // namespace leadd::api
