#include "providers/registry.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "providers/adapters/reloadly.hpp"
#include "providers/adapters/service_credit.hpp"
#include "providers/adapters/tango.hpp"
#include "providers/adapters/tremendous.hpp"
#include "gateway/core/log.hpp"
#include "providers/options.hpp"
#include "providers/sandbox/sandbox.hpp"

namespace rgw::providers {
namespace {

using json = nlohmann::json;

std::unique_ptr<Provider> make_sandbox(const std::string& name, const ProviderOptions& o) {
  SandboxConfig c;
  c.record_dir = o.text("record_dir");
  c.latency = std::chrono::milliseconds(o.integer("latency_ms", 0, 0, 600'000));
  c.pending_for = std::chrono::milliseconds(o.integer("pending_ms", 200, 0, 3'600'000));
  const auto& e = o.entry();
  if (e.contains("faults")) {
    const auto& f = e.at("faults");
    if (!f.is_object()) o.fail("'faults' must be an object");
    for (const auto& [kind, _] : f.items())
      if (kind != "retryable" && kind != "rejected" && kind != "timeout" && kind != "unknown" && kind != "lost" && kind != "pending")
        o.fail("unknown fault '" + kind + "' (retryable, rejected, timeout, unknown, lost, pending)");
    c.faults = {o.probability(f, "retryable"), o.probability(f, "rejected"), o.probability(f, "timeout"),
                o.probability(f, "unknown"),   o.probability(f, "lost"),     o.probability(f, "pending")};
  }
  if (e.contains("balance")) {
    const auto& b = e.at("balance");
    const bool shaped = b.is_object() && b.contains("amount") && b.contains("currency") && b["amount"].is_string() && b["currency"].is_string();
    if (!shaped) o.fail("'balance' must be {\"amount\": \"1000.00\", \"currency\": \"EUR\"}");
    auto money = fx::Money::parse(b["amount"].get<std::string>(), b["currency"].get<std::string>());
    if (!money) o.fail("'balance' is not a valid amount of money");
    c.balance = *money;
  }
  return std::make_unique<SandboxProvider>(name, o.limits(), std::move(c));
}

using Factory = std::function<std::unique_ptr<Provider>(const std::string&, const ProviderOptions&)>;

// One line per kind.
const std::map<std::string, Factory>& kinds() {
  static const std::map<std::string, Factory> table{
      {"sandbox", make_sandbox},
      {"tango", make_tango},
      {"tremendous", make_tremendous},
      {"reloadly", make_reloadly},
      {"service_credit", make_service_credit},
  };
  return table;
}

}  // namespace

bool is_provider_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; });
}

std::optional<std::string> Registry::unavailable(const std::vector<Route>& routes, const fx::Money& face) const {
  std::string reasons;
  for (const auto& route : routes) {
    const auto* provider = find(route.provider);
    const auto why = provider ? provider->unavailable(route.provider_sku, face) : std::optional<std::string>("not configured in this process");
    if (!why) return std::nullopt;
    reasons += (reasons.empty() ? "" : "; ") + route.provider + ": " + *why;
  }
  return reasons.empty() ? "no route" : reasons;
}

std::string Registry::availability_key() const {
  std::string key;
  for (const auto& p : providers_) key.append(p->name()).append(1, '=').append(p->availability_key()).append(1, ';');
  return key;
}

std::shared_ptr<Registry> Registry::from_json(const json& config) {
  if (!config.is_object() || config.empty()) throw std::invalid_argument("the provider configuration must be a non-empty object of name → {\"kind\", ...}");
  auto registry = std::make_shared<Registry>();
  for (const auto& [name, entry] : config.items()) {
    const ProviderOptions o(name, entry);
    if (!is_provider_name(name)) o.fail("a provider name is 1-64 characters of a-z, 0-9, '_' and '-'");
    if (!entry.is_object()) o.fail("must be an object with a 'kind'");
    const auto kind = o.text("kind");
    const auto factory = kinds().find(kind);
    if (factory == kinds().end()) o.fail("unknown kind '" + kind + "'");
    std::shared_ptr<Provider> provider = factory->second(name, o);
    // Kept for the look-ups of the orders it already has, across restarts; never routed to.
    if (o.flag("retired")) provider->retire();
    registry->providers_.push_back(std::move(provider));
    registry->entries_.emplace(name, entry.dump());
  }
  return registry;
}

std::shared_ptr<Registry> Registry::next(const json& config) const {
  auto built = from_json(config);  // every entry checked before anything changes
  for (auto& p : built->providers_) {
    const auto kept = std::find_if(providers_.begin(), providers_.end(), [&](const auto& old) { return old->name() == p->name(); });
    if (kept != providers_.end() && !(*kept)->retired() && entries_.at(p->name()) == built->entries_.at(p->name())) p = *kept;
  }
  for (const auto& old : providers_) {
    if (built->entries_.contains(old->name())) continue;
    old->retire();
    built->providers_.push_back(old);
  }
  return built;
}

Provider* Registry::find(std::string_view name) const {
  for (const auto& p : providers_)
    if (p->name() == name) return p.get();
  return nullptr;
}

std::set<std::string> Registry::names() const {
  std::set<std::string> out;
  for (const auto& p : providers_)
    if (!p->retired()) out.insert(p->name());
  return out;
}

std::shared_ptr<const Registry> LiveRegistry::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::optional<std::string> LiveRegistry::reload(const json& config) {
  std::lock_guard lock(mutex_);
  try {
    current_ = current_->next(config);
    return std::nullopt;
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

json default_provider_config(const std::string& record_dir) { return {{"sandbox", {{"kind", "sandbox"}, {"record_dir", record_dir}}}}; }

boost::asio::awaitable<void> keep_stock_fresh(std::shared_ptr<const LiveRegistry> registry, std::chrono::milliseconds interval) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    const auto providers = registry->current();
    for (const auto& provider : providers->all()) {
      if (!provider->lists_products()) continue;
      if (const auto failed = co_await provider->refresh_stock())
        log::write(log::level::warn, "cannot read the provider's catalog; keeping what it said before", {{"provider", provider->name()}, {"detail", *failed}});
    }
    timer.expires_after(interval);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace rgw::providers
