#include "gateway/accounts/programs.hpp"

#include <nlohmann/json.hpp>

#include "gateway/core/digest.hpp"
#include "gateway/core/ids.hpp"

namespace rgw::programs {
namespace {

const pg::Query insert_program{
    "programs_insert",
    "INSERT INTO programs (id, name, base_currency, point_value, timezone, fx_markup_bps, default_locale, fx_max_age_s,"
    "                      quote_ttl_s, tier_discounts, webhook_url, webhook_secret_sealed, webhook_key_id)"
    " VALUES ($1, $2, $3, $4::numeric, $5, $6::int, $7, $8::int, $9::int, $10::jsonb, $11, $12, $13) RETURNING rgw_ts(created_at) AS created_at"};

const pg::Query select_program{
    "programs_select",
    "SELECT id, name, base_currency, point_value::text AS point_value, timezone, fx_markup_bps, default_locale, fx_max_age_s,"
    "       quote_ttl_s, tier_discounts::text AS tier_discounts, webhook_url, rgw_ts(created_at) AS created_at FROM programs WHERE id = $1"};

const pg::Query program_exists{"programs_exists", "SELECT 1 FROM programs WHERE id = $1"};

}  // namespace

catalog::PricingPolicy Program::pricing_policy(const std::optional<std::string>& tier) const {
  const auto discount = tier ? tier_discounts.find(*tier) : tier_discounts.end();
  return {base_currency, point_value, fx_markup_bps, discount == tier_discounts.end() ? 0 : discount->second};
}

boost::asio::awaitable<Created> create(pg::Pool& db, Program p, const crypto::Sealer& sealer) {
  p.id = new_id("prg");
  Created created;
  std::optional<std::string> sealed_secret, key_id;
  if (p.webhook_url) {
    created.webhook_secret = "whsec_" + crypto::random_token(32);
    auto sealed = sealer.seal(*created.webhook_secret, p.id);
    sealed_secret = std::move(sealed.blob);
    key_id = std::move(sealed.key_id);
  }
  const auto insert = pg::statement(insert_program, p.id, p.name, p.base_currency.code(), p.point_value.to_string(), p.timezone, p.fx_markup_bps,
                                    p.default_locale, p.fx_max_age_s, p.quote_ttl_s, nlohmann::json(p.tier_discounts).dump(), p.webhook_url,
                                    sealed_secret, key_id);
  auto rows = co_await db.exec(insert);
  p.created_at = rows.front().text("created_at");
  created.program = std::move(p);
  co_return created;
}

boost::asio::awaitable<bool> exists(pg::Pool& db, const std::string& program_id) {
  auto rows = co_await db.exec(pg::statement(program_exists, program_id));
  co_return !rows.empty();
}

boost::asio::awaitable<Program> find(pg::Pool& db, const std::string& program_id) {
  auto rows = co_await db.exec(pg::statement(select_program, program_id));
  if (rows.empty()) throw std::logic_error("program " + program_id + " not found");
  const auto row = rows.front();
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
  p.created_at = row.text("created_at");
  co_return p;
}

}  // namespace rgw::programs
