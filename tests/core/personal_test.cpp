// Per-account keys and the masks finance and ops see (core/personal.hpp).
#include "gateway/core/personal.hpp"
#include "gateway/core/masks.hpp"

#include <gtest/gtest.h>

namespace rgw::personal {
namespace {

const crypto::Sealer old_master = crypto::Sealer::from_text("old:cmV3YXJkZ3cgcHJpdmFjeSB0ZXN0OiBvbGQga2V5ISE=");
const crypto::Sealer both_masters = crypto::Sealer::from_text("new:cmV3YXJkZ3cgcHJpdmFjeSB0ZXN0OiBuZXcga2V5ISE=,old:cmV3YXJkZ3cgcHJpdmFjeSB0ZXN0OiBvbGQga2V5ISE=");
const crypto::Sealer new_master = crypto::Sealer::from_text("new:cmV3YXJkZ3cgcHJpdmFjeSB0ZXN0OiBuZXcga2V5ISE=");

TEST(AccountKey, SealsUnderTheAccountsOwnKeyBoundToFieldAndRow) {
  const auto [key, wrapped] = AccountKey::create(old_master, "acc_1");
  EXPECT_TRUE(wrapped.starts_with("old:"));
  const auto sealed = key.seal("Иван Петров", "accounts.name:acc_1");
  EXPECT_EQ(sealed.find("Иван"), std::string::npos);
  EXPECT_EQ(AccountKey::unwrap(old_master, "acc_1", wrapped).open(sealed, "accounts.name:acc_1"), "Иван Петров");
  EXPECT_THROW(key.open(sealed, "accounts.name:acc_2"), std::runtime_error) << "another row";
  EXPECT_THROW(AccountKey::unwrap(old_master, "acc_2", wrapped), std::runtime_error) << "a wrapped key moved to another account";
  const auto [other, other_wrapped] = AccountKey::create(old_master, "acc_1");
  EXPECT_NE(other_wrapped, wrapped);
  EXPECT_THROW(other.open(sealed, "accounts.name:acc_1"), std::runtime_error) << "each account key is its own";
}

TEST(AccountKey, ARotationRewrapsTheKeyNotTheData) {
  const auto [key, wrapped] = AccountKey::create(old_master, "acc_1");
  const auto sealed = key.seal("a@example.com", "redemptions.recipient:red_1");
  EXPECT_FALSE(AccountKey::rewrapped(old_master, "acc_1", wrapped)) << "already under the sealing key";
  const auto rewrapped = AccountKey::rewrapped(both_masters, "acc_1", wrapped);
  ASSERT_TRUE(rewrapped);
  EXPECT_TRUE(rewrapped->starts_with("new:"));
  EXPECT_EQ(AccountKey::unwrap(new_master, "acc_1", *rewrapped).open(sealed, "redemptions.recipient:red_1"), "a@example.com");
  EXPECT_THROW(AccountKey::unwrap(new_master, "acc_1", wrapped), std::runtime_error) << "the old wrapping needs the old key";
}

TEST(Masks, KeepTheFirstCharacterAndTheDomain) {
  EXPECT_EQ(mask_email("ivan.petrov@example.com"), "i***@example.com");
  EXPECT_EQ(mask_email("иван@пример.рф"), "и***@пример.рф") << "a character, not a byte";
  EXPECT_EQ(mask_name("Ivan  Petrov"), "I*** P***");
  EXPECT_EQ(mask_name("Мария"), "М***");
  EXPECT_EQ(mask_name(""), "");
}

TEST(Masks, EmailsInForeignTextAreMasked) {
  EXPECT_EQ(without_emails("invalid recipient email 'ivan@example.com' (code 40012)"), "invalid recipient email 'i***@example.com' (code 40012)");
  EXPECT_EQ(without_emails("{\"email\":\"a.b@c.de\",\"x\":1}"), "{\"email\":\"a***@c.de\",\"x\":1}");
  EXPECT_EQ(without_emails("HTTP 503 @ 12:00, retry"), "HTTP 503 @ 12:00, retry") << "no address, nothing changed";
  EXPECT_EQ(without_emails(""), "");
}

}  // namespace
}  // namespace rgw::personal
