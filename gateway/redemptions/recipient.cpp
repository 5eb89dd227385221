#include "gateway/redemptions/recipient.hpp"

#include <nlohmann/json.hpp>

#include "gateway/accounts/ledger.hpp"

namespace rgw::redemptions {
namespace {

std::string context(std::string_view redemption_id) { return "redemptions.recipient:" + std::string(redemption_id); }

std::optional<std::string> member(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

std::string seal_recipient(const personal::AccountKey& key, const RedemptionId& id, const Recipient& recipient) {
  nlohmann::json plain = nlohmann::json::object();
  if (recipient.email) plain["email"] = *recipient.email;
  if (recipient.name) plain["name"] = *recipient.name;
  return key.seal(plain.dump(), context(id.str()));
}

SealedRecipient sealed_recipient(const pg::Row& row) {
  return {std::string(row.text("recipient_account_id")), row.optional_string("recipient_account_key"), row.optional_string("recipient_sealed"),
          row.optional_string("recipient")};
}

std::optional<Recipient> open_recipient(const SealedRecipient& stored, std::string_view redemption_id, const crypto::Sealer& master) {
  auto text = stored.clear;
  if (!text) text = ledger::open_personal(master, stored.account_id, stored.account_key, stored.sealed, context(redemption_id));
  if (!text) return std::nullopt;
  return recipient_from_json(*text);
}

Recipient recipient_from_json(std::string_view json) {
  const auto plain = nlohmann::json::parse(json);
  return Recipient{member(plain, "email"), member(plain, "name")};
}

}  // namespace rgw::redemptions
