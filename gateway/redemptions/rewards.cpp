#include "gateway/redemptions/rewards.hpp"

namespace rgw::redemptions {
namespace {

nlohmann::json text_or_null(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(nullptr); }
nlohmann::json secret_or_null(const std::optional<providers::Secret>& s) { return s ? nlohmann::json(s->reveal()) : nlohmann::json(nullptr); }

// Enough to tell two rewards apart on a screen, too little to use one.
std::string mask_code(const std::string& code) { return "****-" + (code.size() > 4 ? code.substr(code.size() - 4) : std::string()); }

// The link's origin only: the path is what grants the reward.
std::string mask_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return "****";
  return url.substr(0, url.find('/', scheme + 3)) + "/****";
}

}  // namespace

StoredReward store_reward(const crypto::Sealer& sealer, const std::string& redemption_id, const providers::Reward& r) {
  const nlohmann::json plain = {{"code", r.code.reveal()},
                                {"pin", secret_or_null(r.pin)},
                                {"card_number", secret_or_null(r.card_number)},
                                {"url", text_or_null(r.url)},
                                {"expires_on", text_or_null(r.expires_on)}};
  nlohmann::json masked = {{"code", mask_code(r.code.reveal())}, {"url", nullptr}, {"expires_on", text_or_null(r.expires_on)}};
  if (r.url) masked["url"] = mask_url(*r.url);
  return StoredReward{sealer.seal(plain.dump(), redemption_id), masked.dump()};
}

nlohmann::json open_reward(const crypto::Sealer& sealer, const std::string& redemption_id, const std::string& key_id, const std::string& blob) {
  return nlohmann::json::parse(sealer.open(key_id, blob, redemption_id));
}

}  // namespace rgw::redemptions
