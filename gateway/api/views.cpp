#include "gateway/api/views.hpp"

namespace rgw::api {

nlohmann::json fx_json(const pricing::Terms& t) {
  return {{"rate", t.price.applied_rate.to_string()},
          {"mid_rate", t.price.mid_rate.to_string()},
          {"markup_bps", t.price.markup_bps},
          {"as_of", t.rates_as_of},
          {"source", t.rates_source}};
}

}  // namespace rgw::api
