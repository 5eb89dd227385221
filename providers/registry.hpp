#pragma once
// The providers of a process, built from configuration: a JSON object of name → {"kind": ..., options}.
// Adding a kind is one adapter file plus one line in the kinds table of registry.cpp.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "providers/provider.hpp"

namespace rgw::providers {

class Registry {
 public:
  // Throws std::invalid_argument naming the provider and what is wrong with its entry.
  static std::shared_ptr<Registry> from_json(const nlohmann::json& config);

  Provider* find(std::string_view name) const;  // null when not configured
  std::set<std::string> names() const;
  const std::vector<std::unique_ptr<Provider>>& all() const { return providers_; }
  // Why none of `routes` (a product's) would take an order of `face` now ("tango: circuit open …; backup: out of
  // funds …"); nullopt when one would.
  struct Route {
    std::string provider, provider_sku;
  };
  std::optional<std::string> unavailable(const std::vector<Route>& routes, const fx::Money& face) const;
  // Every provider's availability_key(): what any unavailable() answer depends on.
  std::string availability_key() const;

 private:
  std::vector<std::unique_ptr<Provider>> providers_;
};

// Until cancelled, every `interval`: each provider that lists its products reads its catalog (Provider::refresh_stock),
// so that what it reports out of stock shows as unavailable.
boost::asio::awaitable<void> keep_stock_fresh(std::shared_ptr<const Registry> registry, std::chrono::milliseconds interval);

// 1-64 characters of a-z, 0-9, '_' and '-': names appear in catalog routes, metrics labels and URLs.
bool is_provider_name(std::string_view name);

// The configuration when none is given: one fault-free sandbox named "sandbox", recording under `record_dir`.
nlohmann::json default_provider_config(const std::string& record_dir);

}  // namespace rgw::providers
