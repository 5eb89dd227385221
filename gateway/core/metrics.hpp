#pragma once
// Process metrics in the Prometheus text format: counters and histograms with labels, updated lock-free once
// created (a series is created under a lock on first use), rendered on GET /metrics. Gauges that read state
// elsewhere (pools, providers, the database) are added by the /metrics handler at scrape time.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace rgw::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;  // in a fixed order per family

class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Latency in seconds over fixed buckets from 1 ms to 30 s.
class Histogram {
 public:
  static constexpr double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  void observe(std::chrono::steady_clock::duration d) noexcept;

 private:
  friend class Registry;
  std::atomic<std::uint64_t> buckets_[std::size(bounds)]{};  // not cumulative; summed when rendered
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_ns_{0};
};

class Registry {
 public:
  // Declares a family; every family is declared once, before use, with its help text.
  void describe_counter(const std::string& name, const std::string& help);
  void describe_histogram(const std::string& name, const std::string& help);

  Counter& counter(const std::string& name, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const Labels& labels = {});

  // Every family, sorted by name, each with HELP and TYPE lines.
  std::string render() const;

 private:
  struct Family {
    std::string help;
    bool histogram = false;
    std::map<std::string, std::unique_ptr<Counter>> counters;      // by rendered label set
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name);

  mutable std::shared_mutex mutex_;
  std::map<std::string, Family> families_;
};

// `{a="x",b="y"}` with the values escaped as the text format wants; empty for no labels.
std::string render_labels(const Labels& labels);
// A counter kept elsewhere (e.g. an atomic of another component): HELP, TYPE and its one value.
std::string render_counter(const std::string& name, const std::string& help, std::uint64_t value);
// One gauge family: HELP, TYPE and one line per (labels, value).
std::string render_gauge(const std::string& name, const std::string& help, const std::vector<std::pair<Labels, double>>& samples);

}  // namespace rgw::metrics
