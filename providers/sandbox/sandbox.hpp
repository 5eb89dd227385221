#pragma once
// The in-process `sandbox` provider: deterministic rewards derived from the idempotency key, with fault injection
// for tests and demos. What it created is kept as one file per idempotency key in `record_dir`, created
// atomically (link(2) fails when the name exists), so any number of gateway processes share one honest record of
// "issued at most once", and it survives a kill -9.
#include <filesystem>
#include <map>
#include <mutex>

#include "providers/provider.hpp"

namespace rgw::providers {

// Probabilities per issue() call, each in [0, 1], drawn deterministically from the key and the call's number.
struct SandboxFaults {
  double retryable = 0;  // refused for now, nothing created
  double rejected = 0;   // per key, not per call: this order is refused for good
  double timeout = 0;    // never answers (the caller's deadline makes it `unknown`), nothing created
  double unknown = 0;    // an unclassifiable answer, nothing created
  double lost = 0;       // created, but the answer is lost (`unknown`)
  double pending = 0;    // created as pending; status() says issued once `pending_for` has passed
};

struct SandboxConfig {
  std::filesystem::path record_dir;
  std::chrono::milliseconds latency{0};  // each call takes latency × [0.5, 1.5)
  std::chrono::milliseconds pending_for{200};
  SandboxFaults faults;
  std::optional<fx::Money> balance;
};

class SandboxProvider final : public Provider {
 public:
  SandboxProvider(std::string name, Limits limits, SandboxConfig config);
  std::string_view kind() const override { return "sandbox"; }

  // Provider SKUs starting with this are refused on every call (a product that no longer exists there).
  static constexpr std::string_view refused_sku_prefix = "SBX-REFUSED";

 private:
  boost::asio::awaitable<Result> issue_at_provider(const IssueRequest& request) override;
  boost::asio::awaitable<Result> status_at_provider(const IssueRequest& request) override;
  boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() override;

  boost::asio::awaitable<void> take_time(std::uint64_t draw);
  std::uint64_t next_draw(const std::string& key);

  SandboxConfig config_;
  std::mutex mutex_;
  std::map<std::string, std::uint64_t> calls_per_key_;
};

// What the sandbox created, read back from its record directory: idempotency key → the reward's code.
std::map<std::string, std::string> sandbox_issued(const std::filesystem::path& record_dir);

}  // namespace rgw::providers
