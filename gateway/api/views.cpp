#include "gateway/api/views.hpp"

#include "gateway/core/json.hpp"

namespace rgw::api {

nlohmann::json fx_json(const pricing::Terms& t) {
  return {{"rate", t.price.applied_rate.to_string()},
          {"mid_rate", t.price.mid_rate.to_string()},
          {"markup_bps", t.price.markup_bps},
          {"as_of", t.rates_as_of},
          {"source", t.rates_source}};
}

nlohmann::json entry_json(const ledger::Entry& e) {
  return {{"id", e.id},
          {"kind", e.kind},
          {"points", e.points},
          {"balance_after", e.balance_after},
          {"redemption_id", or_null(e.redemption_id)},
          {"reason", or_null(e.reason)},
          {"expires_at", or_null(e.expires_at)},
          {"lot_id", or_null(e.lot_id)},
          {"effective_at", or_null(e.effective_at)},
          {"created_at", e.created_at}};
}

}  // namespace rgw::api
