#pragma once
// JSON shapes that several resources share.
#include <nlohmann/json.hpp>

#include "gateway/accounts/ledger.hpp"
#include "gateway/pricing/quotes.hpp"

namespace rgw::api {

// The "fx" object of quote and redemption responses: the rates behind a price.
nlohmann::json fx_json(const pricing::Terms& terms);
// A ledger entry, as the ledger list, credits, adjustments and statements show it.
nlohmann::json entry_json(const ledger::Entry& entry);

}  // namespace rgw::api
