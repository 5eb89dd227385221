#include "gateway/api/pricing_inputs.hpp"

#include <date/date.h>

#include "gateway/api/input.hpp"

namespace rgw::api {
namespace {
fx::sys_seconds now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }
}  // namespace

std::shared_ptr<const fx::RateTable> current_rates(const Call& call) {
  auto table = call.rates.current();
  if (!table) throw Failure(errc::fx_unavailable, "no exchange rates have been loaded yet");
  return table;
}

bool is_stale(const fx::RateSet& set, const programs::Program& program) { return fx::age(set, now()).count() > program.fx_max_age_s; }

void require_fresh(const fx::RateSet& set, const programs::Program& program) {
  if (is_stale(set, program))
    throw Failure(errc::fx_unavailable, "exchange rates as of " + rfc3339(set.as_of) + " are older than the program allows (" +
                                            std::to_string(program.fx_max_age_s) + " s)");
}

std::string rfc3339(fx::sys_seconds t) { return date::format("%FT%TZ", t); }

nlohmann::json money_json(const fx::Money& m) { return {{"amount", m.amount_string()}, {"currency", m.currency().code()}}; }

std::optional<fx::Currency> currency_param(std::string_view target, std::string_view name) {
  auto code = query_param(target, name);
  if (!code) return std::nullopt;
  auto currency = fx::Currency::from_code(*code);
  if (!currency) throw Failure(errc::invalid_request, "'" + std::string(name) + "' must be an ISO 4217 currency code");
  return *currency;
}

}  // namespace rgw::api
