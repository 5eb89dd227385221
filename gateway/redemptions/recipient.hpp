#pragma once
// An order's recipient (e-mail, name): personal data, sealed under the account's key (core/personal.hpp) and bound
// to the order's id; blanked by erasure and by the program's retention (docs/privacy.md).
#include <optional>
#include <string>

#include "gateway/core/ids.hpp"
#include "gateway/core/personal.hpp"
#include "gateway/pg/result.hpp"

namespace rgw::redemptions {

struct Recipient {
  std::optional<std::string> email, name;
};

// The columns recipient_of reads, for a query over `redemptions` aliased `r`.
#define RGW_RECIPIENT_COLUMNS                                                                  \
  " r.account_id AS recipient_account_id, r.recipient_sealed, r.recipient::text AS recipient," \
  " (SELECT data_key FROM accounts WHERE accounts.id = r.account_id) AS recipient_account_key "

// A recipient as stored: opened only where it is used (a provider call, a read in clear).
struct SealedRecipient {
  std::string account_id;
  std::optional<std::string> account_key;  // the account's wrapped key; none once erased
  std::optional<std::string> sealed;
  std::optional<std::string> clear;  // JSON written before recipients were sealed (the start-up pass seals it)
};

std::string seal_recipient(const personal::AccountKey& key, const RedemptionId& id, const Recipient& recipient);
// A recipient's JSON as an earlier version stored it in clear.
Recipient recipient_from_json(std::string_view json);
// Read from a row with RGW_RECIPIENT_COLUMNS.
SealedRecipient sealed_recipient(const pg::Row& row);
// nullopt when the order has no recipient or it was blanked.
std::optional<Recipient> open_recipient(const SealedRecipient& stored, std::string_view redemption_id, const crypto::Sealer& master);

}  // namespace rgw::redemptions
