#pragma once
// Programs (tenants): a loyalty program's base currency, point value, time zone, FX spread and points rules.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catalog/pricing.hpp"
#include "fx/currency.hpp"
#include "fx/decimal.hpp"
#include "gateway/audit/audit.hpp"
#include "gateway/accounts/validity.hpp"
#include "gateway/core/sealer.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::programs {

// An account reaches tier `name` when its points credited in the last 365 days reach `min_points_12m`.
struct TierRule {
  std::string name;
  std::int64_t min_points_12m = 0;
};

struct Program {
  std::string id;
  std::string name;
  fx::Currency base_currency;
  fx::Decimal point_value;  // worth of one point in the base currency; may be finer than minor units
  std::string timezone;     // IANA name, validated against the tz database
  int fx_markup_bps = 0;
  std::int64_t fx_max_age_s = 172'800;  // rates older than this (business time for central banks) are stale
  int quote_ttl_s = 60;                  // how long a quote locks its price
  std::map<std::string, int> tier_discounts;  // account tier -> discount on points prices, in basis points
  std::string default_locale;
  std::optional<std::string> webhook_url;  // where events are POSTed, signed
  std::optional<std::string> points_validity;  // ISO 8601 duration for lots without their own date; nullopt: never
  ExpiryRounding expiry_rounding = ExpiryRounding::none;
  int expiry_notice_days = 30;  // points.expiring this long before a lot lapses
  std::vector<TierRule> tiers;  // empty: no tiers by rule
  std::vector<std::string> cors_origins;
  std::optional<int> personal_data_retention_days;  // final orders' recipients are blanked after this; nullopt: kept
  bool erasure_keeps_rewards = false;  // whether an erased account's rewards stay revealable (docs/privacy.md)
  std::string created_at, updated_at;

  // How this program prices for an account of `tier` (no tier, or one without a discount: list prices).
  catalog::PricingPolicy pricing_policy(const std::optional<std::string>& tier) const;
  // When a lot credited at `credited` without a date of its own lapses under this program's rule; nullopt: never.
  std::optional<std::chrono::sys_seconds> lot_expiry(std::chrono::sys_seconds credited) const;
};

// NOTIFY channel of program changes; the payload is "<program id> <origin>" (the process that made it).
inline constexpr const char* programs_channel = "rgw_programs";

struct Created {
  Program program;                          // with id and created_at
  std::optional<std::string> webhook_secret;  // generated when there is a webhook_url; shown once, stored sealed
};
boost::asio::awaitable<Created> create(pg::Pool& db, Program program, const crypto::Sealer& sealer);
// Writes the settings a PATCH may change (everything but base currency, point value and time zone) and tells
// every process on programs_channel (they drop their cached copy). A webhook_url set where there was none
// gets a new secret, returned once. nullopt when there is no such program.
// `audit` is written in the same transaction.
boost::asio::awaitable<std::optional<Created>> update(pg::Pool& db, const Program& program, const crypto::Sealer& sealer, const std::string& origin,
                                                     const audit::Entry& audit);
// A new webhook secret; the old one keeps signing beside it for `overlap`. nullopt when there is no such program.
boost::asio::awaitable<std::optional<std::string>> rotate_webhook_secret(pg::Pool& db, const std::string& program_id, const crypto::Sealer& sealer,
                                                                        std::chrono::seconds overlap, const audit::Entry& audit);
boost::asio::awaitable<bool> exists(pg::Pool& db, const std::string& program_id);
// Every origin some program lists in cors_origins (a browser's preflight names no program).
boost::asio::awaitable<std::set<std::string>> all_cors_origins(pg::Pool& db);
// Throws std::logic_error if the program is missing: callers hold a key of it, so it exists.
boost::asio::awaitable<Program> find(pg::Pool& db, const std::string& program_id);
boost::asio::awaitable<std::optional<Program>> find_optional(pg::Pool& db, const std::string& program_id);

}  // namespace rgw::programs
