#pragma once
// Reward secrets at rest: sealed with the process's Sealer (bound to the order id), and a masked copy that every
// response but reveal shows.
#include <nlohmann/json.hpp>
#include <string>

#include "gateway/core/sealer.hpp"
#include "providers/provider.hpp"

namespace rgw::redemptions {

struct StoredReward {
  crypto::Sealer::Sealed sealed;
  std::string masked_json;  // {"code": "****-1234", "url": "https://host/****", "expires_on"}
};

StoredReward store_reward(const crypto::Sealer& sealer, const std::string& redemption_id, const providers::Reward& reward);
// The unmasked reward {"code", "pin", "card_number", "url", "expires_on"}. Throws std::runtime_error if the
// sealed value cannot be opened (unknown key id, altered bytes, another order's value).
nlohmann::json open_reward(const crypto::Sealer& sealer, const std::string& redemption_id, const std::string& key_id, const std::string& blob);

}  // namespace rgw::redemptions
