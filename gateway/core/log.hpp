#pragma once
// Structured logs: one JSON object per line on stderr. Lines are queued and written by a background thread in
// batches, so a request never waits on a write (nor on another thread's); a line is written within a few
// microseconds when the process is idle, and everything queued is written at exit. When writing falls behind by
// more than 16 MiB the newest lines are dropped and counted (dropped()), rather than stalling requests. Never
// pass secrets (keys, reward codes) as fields.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace rgw::log {

enum class level { debug, info, warn, error };

void write(level severity, std::string_view message, const nlohmann::json& fields);
void write(level severity, std::string_view message);

// A line built field by field, without a JSON document: for lines written on every request.
class Line {
 public:
  Line(level severity, std::string_view message);
  Line& field(std::string_view name, std::string_view value);
  Line& field(std::string_view name, std::int64_t value);
  Line& flag(std::string_view name, bool value);
  Line& milliseconds(std::string_view name, double value);  // three decimals
  void write();  // once

 private:
  std::string text_;
};

// Lines dropped because the writer fell behind, since the start.
std::uint64_t dropped();
// Returns once every line queued so far is written.
void flush();

}  // namespace rgw::log
