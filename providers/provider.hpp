#pragma once
// The Provider interface (docs/design.md, "Orders"): issue, status and balance, each answering an Outcome. The public
// entry points are the same for every adapter and own what every call needs — the deadline, the circuit breaker,
// the concurrency limit and the health figures — and call one private virtual per operation, which is all an
// adapter implements (spdlog's base_sink shape).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "fx/money.hpp"
#include "providers/core/breaker.hpp"
#include "providers/core/outcome.hpp"
#include "gateway/net/token_bucket.hpp"

namespace rgw::providers {

// A reward secret (code, PIN, card number). It has no stream operator and no implicit conversion, so it cannot
// end up in a log line by accident; reveal() is the one way to read it.
class Secret {
 public:
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const { return value_; }

 private:
  std::string value_;
};

struct IssueRequest {
  std::string idempotency_key;  // the same on every attempt of an order at this provider
  std::string provider_sku;
  fx::Money face;
  std::optional<std::string> recipient_email, recipient_name;
};

struct Reward {
  Secret code;
  std::optional<Secret> pin;
  std::optional<Secret> card_number;  // prepaid cards
  std::optional<std::string> url;     // a redemption link, itself a bearer secret
  std::optional<std::string> expires_on;
};

// What the provider says an order cost us, in the currency it charged (its funding account's).
struct Cost {
  fx::Money charged;                      // taken from our funds: its fee included, its discount taken off
  std::optional<fx::Money> fee, discount;  // where the API reports them
};

struct Result {
  Outcome outcome = Outcome::unknown;
  std::optional<Reward> reward;  // with `issued`
  std::string provider_ref;      // the provider's order id, when it said one
  std::string detail;            // why, for anything but `issued`; never a secret
  std::optional<std::chrono::milliseconds> retry_after;  // the provider asked to wait this long (429)
  std::optional<Cost> cost;      // with `issued`, when the provider reports it

  // Anything but `issued`: why, and the provider's order id when it said one.
  static Result answer(Outcome outcome, std::string detail, std::string provider_ref = {}) {
    Result r;
    r.outcome = outcome;
    r.detail = std::move(detail);
    r.provider_ref = std::move(provider_ref);
    return r;
  }
};
// From status(): `retryable` means the provider has no order under the key and nothing in progress, so issuing
// again with the same key cannot make a second one; `unknown` means the question itself failed.

// One order as the provider's own order list shows it (pull reconciliation).
struct ListedOrder {
  std::string provider_ref;
  std::string reference;  // the idempotency key we sent, when the order carries one
  fx::Money face;
  std::optional<Cost> cost;
  std::chrono::sys_seconds created_at;
  Outcome outcome = Outcome::unknown;  // what its status means: issued, pending or rejected
};
// Every order the provider made in a period, or why they could not be listed.
using OrderList = std::variant<std::vector<ListedOrder>, std::string>;

// One product on the provider's own catalog: what `rewardgw import-catalog` maps into ours, and what tells a
// route's product is out of stock.
struct ListedProduct {
  std::string provider_sku;  // what an order names: a route's provider_sku
  std::string brand, name, description;  // description may be empty
  bool prepaid_card = false;             // a payment card (Visa, Mastercard) rather than one merchant's gift card
  std::vector<std::string> countries;    // ISO 3166-1 alpha-2 where it can be used
  std::vector<fx::Money> fixed_values;                   // the face values it comes in (one currency), or
  std::optional<std::pair<fx::Money, fx::Money>> range;  // the least and greatest of a face value chosen freely
  bool in_stock = true;  // false: the provider lists it as inactive or out of stock
};
// The provider's catalog — its products, and why any item on it could not be read — or why it could not be read.
struct ProviderCatalog {
  std::vector<ListedProduct> products;
  std::vector<std::string> skipped;
};
using ProductList = std::variant<ProviderCatalog, std::string>;

struct Limits {
  std::chrono::milliseconds timeout{10'000};  // per call; an issue() past it is `unknown`
  std::size_t max_in_flight = 64;
  BreakerPolicy breaker;
  int max_calls_per_s = 0;  // issue and status calls per second from this process (0: no limit)
  int calls_burst = 1;      // how many of them may go at once
};

struct Health {
  std::string_view state;  // the breaker's: healthy | degraded | open
  std::size_t in_flight = 0;
  std::map<std::string, std::uint64_t> calls;  // by outcome name, since start
  std::optional<std::string> last_error;
  std::chrono::system_clock::time_point last_error_at;
  // Over the last `window` (this process's calls): the share that was not retryable or unknown, and latency.
  std::chrono::seconds window{300};
  std::size_t window_calls = 0;
  std::optional<double> success_rate;  // nullopt without calls in the window
  std::optional<double> p50_ms, p99_ms;
  std::optional<fx::Money> balance;  // the last answer of balance(), if any (health() never asks the provider)
  std::optional<std::string> paused;  // why, while paused by ops
  bool retired = false;               // removed from the providers file, kept for its open orders' look-ups
};

class Provider {
 public:
  Provider(std::string name, Limits limits);
  virtual ~Provider() = default;
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;

  const std::string& name() const { return name_; }
  virtual std::string_view kind() const = 0;

  enum class Call { issue, status };
  // A reserved place among the provider's concurrent calls; released when destroyed.
  class Permit {
   public:
    Permit(Provider* p, Call call) : provider_(p), call_(call) {}
    Permit(Permit&& other) noexcept : provider_(std::exchange(other.provider_, nullptr)), call_(other.call_) {}
    Permit& operator=(Permit&&) = delete;
    ~Permit();

   private:
    Provider* provider_;
    Call call_;
  };
  // A permit when a `call` may go out now: the concurrency limit has room, the call rate allows one more, the
  // breaker is closed (or this caller is its one probe) and, for an issue, the provider is not paused.
  // nullopt: wait and come back.
  std::optional<Permit> admit(Call call);

  // Paused by ops (every process applies what the database says): no new issue calls; status look-ups of the
  // orders it already has go on. nullopt resumes it.
  void pause(std::optional<std::string> reason);
  std::optional<std::string> paused() const;  // why, while paused
  // Marked "retired" in the providers file, or removed from it while running (until restart): it gets no new
  // order and answers only for those it already has.
  void retire();
  bool retired() const;
  // Issue calls admitted and not yet finished in this process: a pause is complete here when none are left.
  std::size_t issuing() const;

  // Never throw for provider trouble: a call past its deadline or failing in a way the adapter did not classify
  // is `unknown` (for issue: it may have created an order).
  boost::asio::awaitable<Result> issue(const Permit&, const IssueRequest& request);
  boost::asio::awaitable<Result> status(const Permit&, const IssueRequest& request);
  // The funding balance, or nullopt when the provider has none or did not answer in time. Asked at most every
  // `balance_ttl`; in between the last answer is returned.
  boost::asio::awaitable<std::optional<fx::Money>> balance();
  static constexpr std::chrono::seconds balance_ttl{10};

  Health health() const;
  // Why this provider would not take an order for `provider_sku` of `face` now, as this process knows it: its
  // breaker is open, its last reported balance (in the face's currency) is below the face value, or its last read
  // catalog lists the product as out of stock. nullopt: it would.
  std::optional<std::string> unavailable(const std::string& provider_sku, const fx::Money& face) const;
  // What unavailable() depends on, as text: a cache of answers built with it is stale when this changes.
  std::string availability_key() const;
  // The orders the provider made in [from, to), every page of its list. Not guarded by the breaker or the call
  // deadline: a reconciliation job, not a dispatch, and each page has the client's own timeout.
  virtual boost::asio::awaitable<OrderList> orders_between(std::chrono::sys_seconds from, std::chrono::sys_seconds to);
  virtual bool lists_orders() const { return false; }  // whether orders_between can answer
  // The provider's catalog, every page of it (import-catalog, stock). Like orders_between, not a dispatch.
  virtual boost::asio::awaitable<ProductList> products();
  virtual bool lists_products() const { return false; }  // whether products() can answer
  // Reads products() and keeps which products it reports out of stock, for unavailable(); when it cannot be read,
  // what was known stays (a catalog outage is not an outage of orders). Returns why it could not, if so.
  boost::asio::awaitable<std::optional<std::string>> refresh_stock();
  // Closes kept-alive connections (HTTP adapters); called when the process stops, before its threads' io_contexts go.
  virtual void drop_idle_connections() {}

 private:
  virtual boost::asio::awaitable<Result> issue_at_provider(const IssueRequest& request) = 0;
  virtual boost::asio::awaitable<Result> status_at_provider(const IssueRequest& request) = 0;
  virtual boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() = 0;

  boost::asio::awaitable<Result> guarded(boost::asio::awaitable<Result> call);
  void record(const Result& result, std::chrono::steady_clock::duration latency);

  struct Sample {
    std::chrono::steady_clock::time_point at;
    double latency_ms;
    bool ok;
  };

  const std::string name_;
  const Limits limits_;
  mutable std::mutex mutex_;  // the dispatcher may call from several threads
  CircuitBreaker breaker_;
  std::optional<net::TokenBucket> call_rate_;  // with max_calls_per_s
  std::size_t in_flight_ = 0;
  std::size_t issuing_ = 0;
  std::optional<std::string> paused_;
  bool retired_ = false;
  std::map<std::string, std::uint64_t> calls_;
  std::optional<std::string> last_error_;
  std::chrono::system_clock::time_point last_error_at_;
  std::deque<Sample> recent_;  // the health window, oldest first, bounded
  std::optional<fx::Money> balance_;
  std::set<std::string> out_of_stock_;  // provider SKUs its last read catalog reports inactive or out of stock
  std::chrono::steady_clock::time_point balance_asked_{};
};

}  // namespace rgw::providers
