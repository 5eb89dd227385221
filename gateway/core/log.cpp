#include "gateway/core/log.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "gateway/core/format.hpp"

namespace rgw::log {
namespace {

const char* name(level severity) {
  switch (severity) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
  }
  return "info";
}

}  // namespace

void write(level severity, std::string_view message, const nlohmann::json& fields) {
  nlohmann::json line = fields.is_object() ? fields : nlohmann::json::object();
  line["ts"] = rfc3339(std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now()));
  line["level"] = name(severity);
  line["msg"] = message;
  // Replace, not throw, on invalid UTF-8 from a client: a log line must never take a request down.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void write(level severity, std::string_view message) { write(severity, message, nlohmann::json::object()); }

}  // namespace rgw::log
