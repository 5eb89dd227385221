#pragma once
// Structured logs: one JSON object per line on stderr. Never pass secrets (keys, reward codes) as fields.
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace rgw::log {

enum class level { debug, info, warn, error };

void write(level severity, std::string_view message, const nlohmann::json& fields);
void write(level severity, std::string_view message);

}  // namespace rgw::log
