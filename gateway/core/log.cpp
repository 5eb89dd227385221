#include "gateway/core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "gateway/core/format.hpp"
#include "gateway/core/json_text.hpp"

namespace rgw::log {
namespace {

const char* name_of(level severity) {
  switch (severity) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
  }
  return "info";
}

// Two buffers: producers append to one under a short lock while the writer thread writes the other. Woken by
// the first line after it went idle, the writer lingers a few milliseconds for more (or until 64 KiB are
// queued), so under load it wakes a few hundred times a second, not once per line (a wake-up is a context switch:
// one per request cost a fifth of the HTTP core's throughput).
class Writer {
 public:
  static constexpr std::size_t limit = 16 << 20;  // bytes queued before lines are dropped
  static constexpr std::size_t enough = 64 << 10;  // bytes queued that are worth a write at once
  static constexpr std::chrono::milliseconds linger{5};

  Writer() : thread_([this] { run(); }) {}
  ~Writer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_.notify_one();
    thread_.join();
  }

  void push(std::string_view line) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      if (queued_.size() + line.size() > limit) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      const bool was_short = queued_.size() < enough;
      queued_.append(line);
      wake = idle_ || (lingering_ && was_short && queued_.size() >= enough);
      idle_ = false;
    }
    if (wake) work_.notify_one();
  }

  void flush() {
    std::unique_lock lock(mutex_);
    const auto wanted = ++flushes_requested_;
    work_.notify_one();
    flushed_.wait(lock, [&] { return flushes_done_ >= wanted; });
  }

  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  void run() {
    std::string writing;
    std::unique_lock lock(mutex_);
    for (;;) {
      const auto flushes = flushes_requested_;
      auto asked = [&] { return stopping_ || flushes_requested_ != flushes; };
      if (queued_.empty()) {
        flushes_done_ = flushes;
        flushed_.notify_all();
        if (stopping_) return;
        idle_ = true;
        work_.wait(lock, [&] { return !queued_.empty() || asked(); });
      }
      if (queued_.size() < enough && !asked()) {
        lingering_ = true;
        work_.wait_for(lock, linger, [&] { return queued_.size() >= enough || asked(); });
        lingering_ = false;
      }
      if (queued_.empty()) continue;
      writing.swap(queued_);
      lock.unlock();
      write_all(writing);
      writing.clear();
      lock.lock();
    }
  }

  static void write_all(std::string_view text) {
    while (!text.empty()) {
      const auto n = ::write(STDERR_FILENO, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // stderr closed or failing: nothing better to do with a log line
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  std::mutex mutex_;
  std::condition_variable work_, flushed_;
  std::string queued_;
  bool idle_ = false, lingering_ = false, stopping_ = false;
  std::uint64_t flushes_requested_ = 0, flushes_done_ = 0;
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;  // last: started once the rest is built
};

Writer& writer() {
  static Writer instance;  // destroyed at exit, after writing what is queued
  return instance;
}

timestamp now() { return std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now()); }

// A written line's buffer, kept by its thread for the next line: no allocation per request once it has grown.
std::string& spare_buffer() {
  thread_local std::string spare;
  return spare;
}

}  // namespace

void write(level severity, std::string_view message, const nlohmann::json& fields) {
  nlohmann::json line = fields.is_object() ? fields : nlohmann::json::object();
  line["ts"] = rfc3339(now());
  line["level"] = name_of(severity);
  line["msg"] = message;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  writer().push(text);
}

void write(level severity, std::string_view message) { write(severity, message, nlohmann::json::object()); }

Line::Line(level severity, std::string_view message) : text_(std::move(spare_buffer())) {
  text_.clear();
  text_.reserve(256);
  text_ += "{\"ts\":\"";
  append_rfc3339(text_, now());
  json_text::append(text_, {"\",\"level\":\"", name_of(severity), "\",\"msg\":"});
  json_text::append_string(text_, message);
}

Line& Line::field(std::string_view name, std::string_view value) {
  json_text::append_member(text_, name, value);
  return *this;
}

Line& Line::field(std::string_view name, std::int64_t value) {
  json_text::append_name(text_, name);
  json_text::append_integer(text_, value);
  return *this;
}

Line& Line::flag(std::string_view name, bool value) {
  json_text::append_name(text_, name);
  text_ += value ? "true" : "false";
  return *this;
}

Line& Line::milliseconds(std::string_view name, double value) {
  json_text::append_name(text_, name);
  const auto micros = std::llround(value * 1000);  // integers, not printf: this is on every request
  json_text::append_integer(text_, micros / 1000);
  const char fraction[] = {'.', static_cast<char>('0' + micros / 100 % 10), static_cast<char>('0' + micros / 10 % 10), static_cast<char>('0' + micros % 10)};
  text_.append(fraction, sizeof fraction);
  return *this;
}

void Line::write() {
  text_ += "}\n";
  writer().push(text_);
  spare_buffer() = std::move(text_);
}

std::uint64_t dropped() { return writer().dropped(); }

void flush() { writer().flush(); }

}  // namespace rgw::log
