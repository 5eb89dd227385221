#include "gateway/reports/account_statement.hpp"

#include "gateway/reports/csv.hpp"

namespace rgw::reports {

std::string statement_csv(const ledger::Statement& s) {
  std::string out = csv_line({"kind", "entry_id", "created_at", "points", "balance_after", "redemption_id", "lot_id", "effective_at", "reason"});
  out += csv_line({"opening", "", "", "", std::to_string(s.opening), "", "", "", ""});
  for (const auto& e : s.entries)
    out += csv_line({e.kind, e.id, e.created_at, std::to_string(e.points), std::to_string(e.balance_after), e.redemption_id.value_or(""),
                     e.lot_id ? std::to_string(*e.lot_id) : "", e.effective_at.value_or(""), e.reason.value_or("")});
  out += csv_line({"closing", "", "", "", std::to_string(s.closing), "", "", "", ""});
  return out;
}

}  // namespace rgw::reports
