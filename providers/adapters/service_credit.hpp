#pragma once
// `service_credit`: a reward that is a credit on a service account in the vendor's own billing system (a free
// month of premium support), posted to an internal HTTP endpoint. The confirmation (credit id) is the reward.
//   POST {base}/credits {"idempotency_key", "service_account", "plan", "amount", "currency"} -> {"credit": credit}
//   GET  {base}/credits?idempotency_key=...  -> {"credits": [credit]}
// A credit is {"id", "idempotency_key", "state": "applied" | "pending" | "rejected"}. The service account is the
// recipient's e-mail. Options: base_url, ca_file.
#include <memory>

#include "providers/options.hpp"

namespace rgw::providers {

std::unique_ptr<Provider> make_service_credit(const std::string& name, const ProviderOptions& options);

}  // namespace rgw::providers
