#pragma once
// One provider's entry of the providers file, read strictly: every complaint names the provider and the field.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "providers/provider.hpp"

namespace rgw::providers {

class ProviderOptions {
 public:
  ProviderOptions(const std::string& name, const nlohmann::json& entry) : name_(name), entry_(entry) {}

  [[noreturn]] void fail(const std::string& what) const { throw std::invalid_argument("provider '" + name_ + "': " + what); }

  std::int64_t integer(const char* key, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
    if (!entry_.contains(key)) return fallback;
    const auto& v = entry_.at(key);
    if (!v.is_number_integer() || v.get<std::int64_t>() < min || v.get<std::int64_t>() > max)
      fail(std::string("'") + key + "' must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return v.get<std::int64_t>();
  }
  double probability(const nlohmann::json& object, const char* key) const {
    if (!object.contains(key)) return 0;
    const auto& v = object.at(key);
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) fail(std::string("fault '") + key + "' must be a number from 0 to 1");
    return v.get<double>();
  }
  std::string text(const char* key) const {
    if (!entry_.contains(key) || !entry_.at(key).is_string() || entry_.at(key).get<std::string>().empty()) fail(std::string("'") + key + "' is required");
    return entry_.at(key).get<std::string>();
  }
  std::optional<std::string> optional_text(const char* key) const {
    if (!entry_.contains(key)) return std::nullopt;
    return text(key);
  }
  bool flag(const char* key) const {
    if (!entry_.contains(key)) return false;
    if (!entry_.at(key).is_boolean()) fail(std::string("'") + key + "' must be true or false");
    return entry_.at(key).get<bool>();
  }
  const nlohmann::json& entry() const { return entry_; }

  // The options every kind has: timeout_ms, max_in_flight, breaker_failures, breaker_open_ms, max_calls_per_s,
  // calls_burst.
  Limits limits() const {
    Limits l;
    l.timeout = std::chrono::milliseconds(integer("timeout_ms", 10'000, 1, 600'000));
    l.max_in_flight = static_cast<std::size_t>(integer("max_in_flight", 64, 1, 100'000));
    l.breaker.failures_to_open = static_cast<int>(integer("breaker_failures", 5, 1, 1000));
    l.breaker.open_for = std::chrono::milliseconds(integer("breaker_open_ms", 30'000, 1, 3'600'000));
    l.max_calls_per_s = static_cast<int>(integer("max_calls_per_s", 0, 0, 100'000));
    l.calls_burst = static_cast<int>(integer("calls_burst", 1, 1, 100'000));
    return l;
  }

 private:
  const std::string& name_;
  const nlohmann::json& entry_;
};

}  // namespace rgw::providers
