#include "gateway/accounts/programs.hpp"

#include <nlohmann/json.hpp>

#include "gateway/core/digest.hpp"
#include "gateway/core/ids.hpp"

namespace rgw::programs {
namespace {

#define RGW_PROGRAM_COLUMNS                                                                                          \
  "id, name, base_currency, point_value::text AS point_value, timezone, fx_markup_bps, default_locale, fx_max_age_s,"   \
  " quote_ttl_s, tier_discounts::text AS tier_discounts, webhook_url, points_validity, expiry_rounding,"                 \
  " expiry_notice_days, tiers::text AS tiers, cors_origins::text AS cors_origins, personal_data_retention_days,"         \
  " erasure_keeps_rewards, rgw_ts(created_at) AS created_at,"                                                          \
  " rgw_ts(updated_at) AS updated_at"

const pg::Query insert_program{
    "programs_insert",
    "INSERT INTO programs (id, name, base_currency, point_value, timezone, fx_markup_bps, default_locale, fx_max_age_s,"
    "                      quote_ttl_s, tier_discounts, webhook_url, webhook_secret_sealed, webhook_key_id, points_validity,"
    "                      expiry_rounding, expiry_notice_days, tiers, cors_origins, personal_data_retention_days, erasure_keeps_rewards)"
    " VALUES ($1, $2, $3, $4::numeric, $5, $6::int, $7, $8::int, $9::int, $10::jsonb, $11, $12, $13, $14, $15, $16::int, $17::jsonb, $18::jsonb,"
    "         $19::int, $20::boolean)"
    " RETURNING " RGW_PROGRAM_COLUMNS};

const pg::Query select_program{"programs_select", "SELECT " RGW_PROGRAM_COLUMNS " FROM programs WHERE id = $1"};

// A webhook_url set where there was no secret gets the new one ($13, $14); one already there is kept.
const pg::Query update_program{
    "programs_update",
    "UPDATE programs SET name = $2, fx_markup_bps = $3::int, default_locale = $4, fx_max_age_s = $5::int, quote_ttl_s = $6::int,"
    "  tier_discounts = $7::jsonb, webhook_url = $8, points_validity = $9, expiry_rounding = $10, expiry_notice_days = $11::int,"
    "  tiers = $12::jsonb, cors_origins = $15::jsonb, personal_data_retention_days = $16::int, erasure_keeps_rewards = $17::boolean,"
    "  updated_at = now(),"
    "  webhook_secret_sealed = CASE WHEN webhook_secret_sealed IS NULL THEN $13 ELSE webhook_secret_sealed END,"
    "  webhook_key_id = CASE WHEN webhook_secret_sealed IS NULL THEN $14 ELSE webhook_key_id END"
    " WHERE id = $1 RETURNING " RGW_PROGRAM_COLUMNS ", coalesce(webhook_secret_sealed = $13, false) AS new_secret"};

const pg::Query notify_program{"programs_notify", "SELECT pg_notify('rgw_programs', $1)"};

// The old secret keeps signing until $4; a rotation inside an overlap drops the oldest.
const pg::Query rotate_secret{
    "programs_rotate_secret",
    "UPDATE programs SET webhook_old_secret_sealed = webhook_secret_sealed, webhook_old_key_id = webhook_key_id,"
    "  webhook_old_until = CASE WHEN webhook_secret_sealed IS NULL THEN NULL ELSE now() + make_interval(secs => $4::int) END,"
    "  webhook_secret_sealed = $2, webhook_key_id = $3, updated_at = now()"
    " WHERE id = $1 RETURNING id"};

const pg::Query select_cors_origins{"programs_cors_origins", "SELECT DISTINCT jsonb_array_elements_text(cors_origins) AS origin FROM programs"};

const pg::Query program_exists{"programs_exists", "SELECT 1 FROM programs WHERE id = $1"};

struct SealedSecret {
  std::string secret;
  std::optional<std::string> blob, key_id;
};

SealedSecret new_webhook_secret(const crypto::Sealer& sealer, const std::string& program_id) {
  SealedSecret s{"whsec_" + crypto::random_token(32), std::nullopt, std::nullopt};
  auto sealed = sealer.seal(s.secret, program_id);
  s.blob = std::move(sealed.blob);
  s.key_id = std::move(sealed.key_id);
  return s;
}

Program program_from(const pg::Row& row) {
  Program p;
  p.id = row.text("id");
  p.name = row.text("name");
  p.base_currency = fx::Currency::from_code(row.text("base_currency")).value();
  p.point_value = fx::Decimal::parse(row.text("point_value")).value();
  p.timezone = row.text("timezone");
  p.fx_markup_bps = static_cast<int>(row.int64("fx_markup_bps"));
  p.default_locale = row.text("default_locale");
  p.fx_max_age_s = row.int64("fx_max_age_s");
  p.quote_ttl_s = static_cast<int>(row.int64("quote_ttl_s"));
  p.tier_discounts = nlohmann::json::parse(row.text("tier_discounts")).get<std::map<std::string, int>>();
  p.webhook_url = row.optional_string("webhook_url");
  p.points_validity = row.optional_string("points_validity");
  p.expiry_rounding = parse_rounding(row.text("expiry_rounding")).value();
  p.expiry_notice_days = static_cast<int>(row.int64("expiry_notice_days"));
  if (const auto days = row.optional_int64("personal_data_retention_days")) p.personal_data_retention_days = static_cast<int>(*days);
  p.erasure_keeps_rewards = row.boolean("erasure_keeps_rewards");
  for (const auto& t : nlohmann::json::parse(row.text("tiers"))) p.tiers.push_back({t.at("name").get<std::string>(), t.at("min_points_12m").get<std::int64_t>()});
  p.cors_origins = nlohmann::json::parse(row.text("cors_origins")).get<std::vector<std::string>>();
  p.created_at = row.text("created_at");
  p.updated_at = row.text("updated_at");
  return p;
}

std::string tiers_json(const std::vector<TierRule>& tiers) {
  auto out = nlohmann::json::array();
  for (const auto& t : tiers) out.push_back({{"name", t.name}, {"min_points_12m", t.min_points_12m}});
  return out.dump();
}

}  // namespace

std::optional<std::chrono::sys_seconds> Program::lot_expiry(std::chrono::sys_seconds credited) const {
  if (!points_validity) return std::nullopt;
  return programs::lot_expiry(credited, parse_validity(*points_validity).value(), expiry_rounding, timezone);
}

catalog::PricingPolicy Program::pricing_policy(const std::optional<std::string>& tier) const {
  const auto discount = tier ? tier_discounts.find(*tier) : tier_discounts.end();
  return {base_currency, point_value, fx_markup_bps, discount == tier_discounts.end() ? 0 : discount->second};
}

boost::asio::awaitable<Created> create(pg::Pool& db, Program p, const crypto::Sealer& sealer) {
  p.id = new_id("prg");
  Created created;
  SealedSecret secret;
  if (p.webhook_url) {
    secret = new_webhook_secret(sealer, p.id);
    created.webhook_secret = secret.secret;
  }
  const auto insert = pg::statement(insert_program, p.id, p.name, p.base_currency.code(), p.point_value.to_string(), p.timezone, p.fx_markup_bps,
                                    p.default_locale, p.fx_max_age_s, p.quote_ttl_s, nlohmann::json(p.tier_discounts).dump(), p.webhook_url,
                                    secret.blob, secret.key_id, p.points_validity, std::string(rounding_name(p.expiry_rounding)),
                                    p.expiry_notice_days, tiers_json(p.tiers), nlohmann::json(p.cors_origins).dump(), p.personal_data_retention_days,
                                    p.erasure_keeps_rewards);
  auto rows = co_await db.exec(insert);
  created.program = program_from(rows.front());
  co_return created;
}

boost::asio::awaitable<std::optional<Created>> update(pg::Pool& db, const Program& p, const crypto::Sealer& sealer, const std::string& origin,
                                                     const audit::Entry& audit) {
  SealedSecret secret;
  if (p.webhook_url) secret = new_webhook_secret(sealer, p.id);  // used only if the program has none yet
  auto tx = co_await pg::Transaction::begin(db);
  auto rows = co_await tx.exec(pg::statement(update_program, p.id, p.name, p.fx_markup_bps, p.default_locale, p.fx_max_age_s, p.quote_ttl_s,
                                             nlohmann::json(p.tier_discounts).dump(), p.webhook_url, p.points_validity,
                                             std::string(rounding_name(p.expiry_rounding)), p.expiry_notice_days, tiers_json(p.tiers),
                                             secret.blob, secret.key_id, nlohmann::json(p.cors_origins).dump(), p.personal_data_retention_days,
                                             p.erasure_keeps_rewards));
  if (rows.empty()) {
    co_await tx.rollback();
    co_return std::nullopt;
  }
  Created updated{program_from(rows.front()), std::nullopt};
  if (secret.blob && rows.front().boolean("new_secret")) updated.webhook_secret = secret.secret;
  std::vector<pg::Statement> notify;
  notify.push_back(pg::statement(notify_program, p.id + ' ' + origin));
  notify.push_back(audit::record(audit));
  co_await tx.commit(std::move(notify));
  co_return updated;
}

boost::asio::awaitable<std::optional<std::string>> rotate_webhook_secret(pg::Pool& db, const std::string& program_id, const crypto::Sealer& sealer,
                                                                        std::chrono::seconds overlap, const audit::Entry& audit) {
  auto secret = new_webhook_secret(sealer, program_id);
  auto tx = co_await pg::Transaction::begin(db);
  auto rows = co_await tx.exec(pg::statement(rotate_secret, program_id, secret.blob, secret.key_id, overlap.count()));
  if (rows.empty()) {
    co_await tx.rollback();
    co_return std::nullopt;
  }
  std::vector<pg::Statement> audited{audit::record(audit)};
  co_await tx.commit(std::move(audited));
  co_return secret.secret;
}

boost::asio::awaitable<std::set<std::string>> all_cors_origins(pg::Pool& db) {
  auto rows = co_await db.exec(pg::statement(select_cors_origins));
  std::set<std::string> out;
  for (int i = 0; i < rows.size(); ++i) out.emplace(rows[i].text("origin"));
  co_return out;
}

boost::asio::awaitable<bool> exists(pg::Pool& db, const std::string& program_id) {
  auto rows = co_await db.exec(pg::statement(program_exists, program_id));
  co_return !rows.empty();
}

boost::asio::awaitable<Program> find(pg::Pool& db, const std::string& program_id) {
  auto program = co_await find_optional(db, program_id);
  if (!program) throw std::logic_error("program " + program_id + " not found");
  co_return std::move(*program);
}

boost::asio::awaitable<std::optional<Program>> find_optional(pg::Pool& db, const std::string& program_id) {
  auto rows = co_await db.exec(pg::statement(select_program, program_id));
  if (rows.empty()) co_return std::nullopt;
  co_return program_from(rows.front());
}

}  // namespace rgw::programs
