#pragma once
// An account's statement as CSV (the JSON is the API's entry form): opening balance, every entry, closing balance.
#include <string>

#include "gateway/accounts/ledger.hpp"

namespace rgw::reports {

// kind,entry_id,created_at,points,balance_after,redemption_id,lot_id,effective_at,reason — an "opening" line first
// and a "closing" line last, whose balance_after are the balances.
std::string statement_csv(const ledger::Statement& statement);

}  // namespace rgw::reports
