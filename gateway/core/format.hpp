#pragma once
// The gateway's one way to write instants and money: RFC 3339 UTC timestamps and {"amount", "currency"} objects.
#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fx/money.hpp"

namespace rgw {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// "2027-12-31T23:59:59Z", with the fraction only when there is one ("...:59.250000Z").
std::string rfc3339(timestamp t);
// The same, appended to `out`: the request log writes a time per line without a string of its own.
void append_rfc3339(std::string& out, timestamp t);
// RFC 3339 exactly: YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM), years 0001-9999, at most microseconds; nullopt else.
std::optional<timestamp> parse_rfc3339(std::string_view text);

nlohmann::json money_json(const fx::Money& m);

}  // namespace rgw
