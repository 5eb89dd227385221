// Member tokens and what they stand on: base64url, keys derived from the secrets keys, signature and rotation.
#include "gateway/accounts/member_tokens.hpp"

#include <gtest/gtest.h>

#include "gateway/core/digest.hpp"

namespace rgw {
namespace {

// Two made-up keys (all 0x00 and all 0x01 bytes); they protect nothing.
const std::string key_a = "a:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const std::string key_b = "b:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

const auth::MemberClaims claims{"prg_1", "acc_1", "key_1", std::chrono::sys_seconds(std::chrono::seconds(1'900'000'000))};

TEST(Base64Url, RoundTripsAndRefusesWhatNoEncoderWrites) {
  using namespace std::string_literals;
  for (const auto& bytes : {""s, "f"s, "fo"s, "foo"s, "foob"s, "fooba"s, "foobar"s, "\xff\xfe\x00\x01"s}) {
    const auto text = crypto::base64url(bytes);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos) << text;
    EXPECT_EQ(crypto::from_base64url(text), bytes) << text;
  }
  EXPECT_EQ(crypto::base64url("foobar"), "Zm9vYmFy");
  EXPECT_EQ(crypto::base64url("\xfb\xff"), "-_8");
  EXPECT_FALSE(crypto::from_base64url("Zm9vYg=="));  // padding
  EXPECT_FALSE(crypto::from_base64url("Zm9v+mFy"));  // the other alphabet
  EXPECT_FALSE(crypto::from_base64url("Z"));         // no byte string has 1 character mod 4
  EXPECT_FALSE(crypto::from_base64url("Zh"));        // stray bits: "Zg" is the only text of "f"
}

TEST(SealerDerivedKeys, AreOtherThanTheKeysAndDifferPerPurpose) {
  const auto sealer = crypto::Sealer::from_text(key_a + "," + key_b);
  const auto tokens = sealer.derived_keys("tokens");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].id, "a");
  EXPECT_EQ(tokens[1].id, "b");
  EXPECT_NE(tokens[0].bytes, decltype(tokens[0].bytes){}) << "not the key itself (all zero bytes)";
  EXPECT_NE(tokens[0].bytes, sealer.derived_keys("other")[0].bytes);
  EXPECT_EQ(tokens[0].bytes, crypto::Sealer::from_text(key_a).derived_keys("tokens")[0].bytes) << "the same in every process";
}

TEST(MemberTokens, VerifyWhatWasMintedAndNothingElse) {
  const auth::MemberTokens tokens(crypto::Sealer::from_text(key_a));
  const auto token = tokens.mint(claims);
  EXPECT_TRUE(auth::is_member_token(token));
  const auto back = tokens.verify(token);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->program_id, "prg_1");
  EXPECT_EQ(back->account_id, "acc_1");
  EXPECT_EQ(back->key_id, "key_1");
  EXPECT_EQ(back->expires_at, claims.expires_at);

  EXPECT_FALSE(tokens.verify(token.substr(0, token.size() - 1)));
  EXPECT_FALSE(tokens.verify("rgwm_" + token.substr(5, token.find('.') - 5)));  // no signature
  EXPECT_FALSE(tokens.verify("rgw_" + token.substr(5)));
  EXPECT_FALSE(tokens.verify(token + std::string(2000, 'A')));
  // Claims written by someone else, signed with a key we do not have.
  const auth::MemberTokens stranger(crypto::Sealer::from_text(key_b));
  EXPECT_FALSE(tokens.verify(stranger.mint(claims)));
}

TEST(MemberTokens, SurviveARotationOfTheSecretsKeys) {
  const auto before = auth::MemberTokens(crypto::Sealer::from_text(key_a)).mint(claims);
  const auth::MemberTokens rotated(crypto::Sealer::from_text(key_b + "," + key_a));
  EXPECT_TRUE(rotated.verify(before)) << "the old key still verifies what it signed";
  // New tokens are signed with the first key, which a process without it does not accept.
  EXPECT_FALSE(auth::MemberTokens(crypto::Sealer::from_text(key_a)).verify(rotated.mint(claims)));
}

}  // namespace
}  // namespace rgw
