#include "gateway/core/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <stdexcept>

namespace rgw::metrics {
namespace {

// The shortest text that reads back as `v` ("0.0025", not "0.0025000000000000001").
std::string number(double v) {
  char text[64];
  // Plain digits where they are short (100000, not 1e+05: balances and counts read as written), exponents beyond.
  const double magnitude = std::abs(v);
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  const auto end = std::to_chars(text, text + sizeof text, v, plain ? std::chars_format::fixed : std::chars_format::general).ptr;
  return std::string(text, end);
}

std::string header(const std::string& name, const std::string& help, const char* type) {
  return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

// Adds `le` to a rendered label set: {a="x"} -> {a="x",le="0.5"}.
std::string with_le(const std::string& labels, const std::string& le) {
  if (labels.empty()) return "{le=\"" + le + "\"}";
  return labels.substr(0, labels.size() - 1) + ",le=\"" + le + "\"}";
}

}  // namespace

void Histogram::observe(std::chrono::steady_clock::duration d) noexcept {
  const double seconds = std::chrono::duration<double>(d).count();
  std::size_t i = 0;
  while (i < std::size(bounds) && seconds > bounds[i]) ++i;
  if (i < std::size(bounds)) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()), std::memory_order_relaxed);
}

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ",";
    out += name + "=\"";
    for (char c : value) {
      if (c == '\\') out += "\\\\";
      else if (c == '"') out += "\\\"";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += "\"";
  }
  return out + "}";
}

std::string render_counter(const std::string& name, const std::string& help, std::uint64_t value) {
  return header(name, help, "counter") + name + " " + std::to_string(value) + "\n";
}

std::string render_gauge(const std::string& name, const std::string& help, const std::vector<std::pair<Labels, double>>& samples) {
  std::string out = header(name, help, "gauge");
  for (const auto& [labels, value] : samples) out += name + render_labels(labels) + " " + number(value) + "\n";
  return out;
}

void Registry::describe_counter(const std::string& name, const std::string& help) {
  std::unique_lock lock(mutex_);
  families_[name].help = help;
}

void Registry::describe_histogram(const std::string& name, const std::string& help) {
  std::unique_lock lock(mutex_);
  auto& f = families_[name];
  f.help = help;
  f.histogram = true;
}

Counter& Registry::counter(const std::string& name, const Labels& labels) {
  const auto key = render_labels(labels);
  {
    std::shared_lock lock(mutex_);
    const auto f = families_.find(name);
    if (f == families_.end() || f->second.histogram) throw std::logic_error("metric " + name + " is not a declared counter");
    if (auto it = f->second.counters.find(key); it != f->second.counters.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  auto& slot = families_[name].counters[key];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const Labels& labels) {
  const auto key = render_labels(labels);
  {
    std::shared_lock lock(mutex_);
    const auto f = families_.find(name);
    if (f == families_.end() || !f->second.histogram) throw std::logic_error("metric " + name + " is not a declared histogram");
    if (auto it = f->second.histograms.find(key); it != f->second.histograms.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  auto& slot = families_[name].histograms[key];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

std::string Registry::render() const {
  std::shared_lock lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (!f.histogram) {
      out += header(name, f.help, "counter");
      for (const auto& [labels, c] : f.counters) out += name + labels + " " + std::to_string(c->value()) + "\n";
      continue;
    }
    out += header(name, f.help, "histogram");
    for (const auto& [labels, h] : f.histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < std::size(Histogram::bounds); ++i) {
        cumulative += h->buckets_[i].load(std::memory_order_relaxed);
        out += name + "_bucket" + with_le(labels, number(Histogram::bounds[i])) + " " + std::to_string(cumulative) + "\n";
      }
      const auto count = h->count_.load(std::memory_order_relaxed);
      // Read without a lock: an observation in flight may be in a bucket before it is in the count.
      out += name + "_bucket" + with_le(labels, "+Inf") + " " + std::to_string(std::max(count, cumulative)) + "\n";
      out += name + "_sum" + labels + " " + number(static_cast<double>(h->sum_ns_.load(std::memory_order_relaxed)) / 1e9) + "\n";
      out += name + "_count" + labels + " " + std::to_string(count) + "\n";
    }
  }
  return out;
}

}  // namespace rgw::metrics
