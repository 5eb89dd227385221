#pragma once
// The providers of a process, built from configuration: a JSON object of name → {"kind": ..., options}; an entry
// with "retired": true is kept only to answer for the orders it already has.
// Adding a kind is one adapter file plus one line in the kinds table of registry.cpp.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
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

  // The set a re-read file describes: a provider whose entry is unchanged is carried over as it is (its breaker,
  // token, connections and figures); one no longer in the file is kept retired — asked about its open orders,
  // never sent a new one — until the process restarts. Throws like from_json, leaving this set as it is.
  std::shared_ptr<Registry> next(const nlohmann::json& config) const;

  Provider* find(std::string_view name) const;  // null when not configured
  // What product routes may name: the configured providers, not the retired ones.
  std::set<std::string> names() const;
  const std::vector<std::shared_ptr<Provider>>& all() const { return providers_; }
  // Why none of `routes` (a product's) would take an order of `face` now ("tango: circuit open …; backup: out of
  // funds …"); nullopt when one would.
  struct Route {
    std::string provider, provider_sku;
  };
  std::optional<std::string> unavailable(const std::vector<Route>& routes, const fx::Money& face) const;
  // Every provider's availability_key(): what any unavailable() answer depends on.
  std::string availability_key() const;

 private:
  std::vector<std::shared_ptr<Provider>> providers_;
  std::map<std::string, std::string> entries_;  // name → its entry as configured (compact JSON), to tell a change
};

// The providers in force, replaced whole when the providers file is read again (SIGHUP). A reader takes a
// snapshot with current() and keeps it for what it does, so a provider it is calling outlives the swap.
class LiveRegistry {
 public:
  explicit LiveRegistry(std::shared_ptr<const Registry> first) : current_(std::move(first)) {}
  std::shared_ptr<const Registry> current() const;
  // Replaces the set with current()->next(config); when the config is refused, says why and keeps the set.
  std::optional<std::string> reload(const nlohmann::json& config);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Registry> current_;
};

// Until cancelled, every `interval`: each provider that lists its products reads its catalog (Provider::refresh_stock),
// so that what it reports out of stock shows as unavailable.
boost::asio::awaitable<void> keep_stock_fresh(std::shared_ptr<const LiveRegistry> registry, std::chrono::milliseconds interval);

// 1-64 characters of a-z, 0-9, '_' and '-': names appear in catalog routes, metrics labels and URLs.
bool is_provider_name(std::string_view name);

// The configuration when none is given: one fault-free sandbox named "sandbox", recording under `record_dir`.
nlohmann::json default_provider_config(const std::string& record_dir);

}  // namespace rgw::providers
