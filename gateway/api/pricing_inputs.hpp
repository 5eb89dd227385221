#pragma once
// What every priced endpoint (FX conversion, catalog, quotes) needs: the rates in force, fresh enough for the
// program, and money in its API form.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "fx/rates.hpp"
#include "gateway/api/call.hpp"
#include "gateway/programs/programs.hpp"

namespace rgw::api {

// Failure(fx_unavailable) when no rates are loaded yet.
std::shared_ptr<const fx::RateTable> current_rates(const Call& call);
// Pricing fails closed: Failure(fx_unavailable) when the set is older than the program allows.
void require_fresh(const fx::RateSet& set, const programs::Program& program);
bool is_stale(const fx::RateSet& set, const programs::Program& program);

std::string rfc3339(fx::sys_seconds t);
nlohmann::json money_json(const fx::Money& m);
// A query parameter that must be an ISO 4217 code; nullopt when absent.
std::optional<fx::Currency> currency_param(std::string_view target, std::string_view name);

}  // namespace rgw::api
