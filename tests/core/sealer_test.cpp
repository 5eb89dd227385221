// Secrets at rest and webhook signatures.
#include "gateway/core/sealer.hpp"

#include <gtest/gtest.h>

#include "gateway/core/digest.hpp"
#include "gateway/redemptions/rewards.hpp"
#include "gateway/webhooks/outbox.hpp"

namespace rgw {
namespace {

// Two made-up keys (all 0x00 and all 0x01 bytes); they protect nothing.
const std::string key_a = "a:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const std::string key_b = "b:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

TEST(Sealer, RoundTripsAndBindsTheValueToItsRow) {
  const auto sealer = crypto::Sealer::from_text(key_a);
  const auto sealed = sealer.seal("CODE-1234-5678", "red_1");
  EXPECT_EQ(sealed.key_id, "a");
  EXPECT_EQ(sealed.blob.find("CODE"), std::string::npos);
  EXPECT_EQ(sealer.open("a", sealed.blob, "red_1"), "CODE-1234-5678");
  EXPECT_NE(sealer.seal("CODE-1234-5678", "red_1").blob, sealed.blob) << "a fresh nonce every time";
  EXPECT_THROW(sealer.open("a", sealed.blob, "red_2"), std::runtime_error) << "moved to another order";
  auto altered = sealed.blob;
  altered[20] = altered[20] == 'A' ? 'B' : 'A';
  EXPECT_THROW(sealer.open("a", altered, "red_1"), std::runtime_error);
  EXPECT_THROW(sealer.open("z", sealed.blob, "red_1"), std::runtime_error) << "unknown key id";
}

TEST(Sealer, RotationSealsWithTheFirstKeyAndOpensWithAny) {
  const auto old_sealer = crypto::Sealer::from_text(key_a);
  const auto old_value = old_sealer.seal("old", "x");
  const auto rotated = crypto::Sealer::from_text(key_b + "\n" + key_a);
  EXPECT_EQ(rotated.seal("new", "x").key_id, "b");
  EXPECT_EQ(rotated.open(old_value.key_id, old_value.blob, "x"), "old");
}

TEST(Sealer, RefusesBadKeysWithoutEchoingThem) {
  auto message = [](const std::string& text) -> std::string {
    try {
      crypto::Sealer::from_text(text);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message(""), "");
  EXPECT_NE(message("nokeyid"), "");
  EXPECT_NE(message("k:c2hvcnQ=").find("32 bytes"), std::string::npos);
  EXPECT_EQ(message("k:c2hvcnQ=").find("c2hvcnQ"), std::string::npos);
  EXPECT_NE(message(key_a + "," + key_a).find("twice"), std::string::npos);
}

TEST(Webhooks, SignatureIsHmacSha256OfTimestampDotBody) {
  // RFC 4231 test case 2.
  EXPECT_EQ(crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(webhooks::signature({"whsec"}, 1700000000, "{}"), "t=1700000000,v1=" + crypto::hmac_sha256_hex("whsec", "1700000000.{}"));
}

TEST(Rewards, MaskedEverywhereButTheSealedCopy) {
  const auto sealer = crypto::Sealer::from_text(key_a);
  const providers::Reward reward{providers::Secret("SBX-1A2B-3C4D-5E6F"), providers::Secret("4321"), std::nullopt,
                                 std::string("https://gift.example/claim/abcdef"), std::string("2027-11-22")};
  const auto stored = redemptions::store_reward(sealer, "red_1", reward);
  const auto masked = nlohmann::json::parse(stored.masked_json);
  EXPECT_EQ(masked["code"], "****-5E6F");
  EXPECT_EQ(masked["url"], "https://gift.example/****");
  EXPECT_EQ(masked["expires_on"], "2027-11-22");
  EXPECT_EQ(stored.masked_json.find("4321"), std::string::npos);
  const auto opened = redemptions::open_reward(sealer, "red_1", stored.sealed.key_id, stored.sealed.blob);
  EXPECT_EQ(opened["code"], "SBX-1A2B-3C4D-5E6F");
  EXPECT_EQ(opened["pin"], "4321");
  EXPECT_EQ(opened["url"], "https://gift.example/claim/abcdef");
  EXPECT_TRUE(opened["card_number"].is_null());
}

}  // namespace
}  // namespace rgw
