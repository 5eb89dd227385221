#include "gateway/pricing/refresher.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "fx/feeds.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/format.hpp"
#include "gateway/pricing/history.hpp"
#include "gateway/net/retry.hpp"
#include "gateway/net/client.hpp"

namespace rgw::pricing {

namespace asio = boost::asio;
using namespace std::chrono;

namespace {

// Taken for the duration of one fetch-and-store, so processes take turns instead of all fetching.
const pg::Query claim_fetch{
    "rates_claim_fetch",
    "SELECT pg_try_advisory_xact_lock(7260311002) AS got,"
    "       (SELECT extract(epoch FROM max(fetched_at))::bigint FROM fx_rate_sets) AS newest_fetch"};
const pg::Query notify_rates{"rates_notify", "SELECT pg_notify('rgw_fx_rates', '')"};

constexpr int fetch_attempts = 3;

asio::awaitable<void> pause(duration<double> d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration_cast<steady_clock::duration>(d));
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<std::string> fetch_once(const RefreshConfig& config, http::Client& client) {
  if (auto url = http::Url::parse(config.source)) {
    auto reply = co_await client.get(*url);
    if (reply.status != 200) throw std::runtime_error("rate feed answered HTTP " + std::to_string(reply.status));
    co_return std::move(reply.body);
  }
  // A local file: small, read at once.
  std::ifstream in(config.source, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read rate file " + config.source);
  co_return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

asio::awaitable<std::vector<fx::RateSet>> fetch(const RefreshConfig& config, http::Client& client) {
  for (int attempt = 0;; ++attempt) {
    try {
      const auto document = co_await fetch_once(config, client);
      auto sets = fx::parse_feed(document, time_point_cast<seconds>(system_clock::now()));
      if (!sets) throw std::runtime_error("rate feed refused: " + sets.error().message());
      co_return std::move(*sets);
    } catch (const std::exception& e) {
      if (attempt + 1 == fetch_attempts) throw;
      log::write(log::level::warn, "rate fetch failed, retrying", {{"source", config.source}, {"attempt", attempt + 1}, {"detail", e.what()}});
    }
    co_await pause(net::backoff(net::RetryPolicy{seconds(1), seconds(10)}, attempt, net::unit_random()));
  }
}

// Why a fetched document must not be used although it parsed: a currency that jumped against the set in force,
// or between two days of the document (sets are newest first).
std::optional<std::string> quarantine_reason(const std::vector<fx::RateSet>& sets, const RateStore& store, const fx::Decimal& max_change) {
  if (const auto current = store.current(); current && current->set().as_of <= sets.front().as_of)
    if (auto why = fx::implausible_change(current->set(), sets.front(), max_change)) return why;
  for (std::size_t i = 0; i + 1 < sets.size(); ++i)
    if (auto why = fx::implausible_change(sets[i + 1], sets[i], max_change)) return why;
  return std::nullopt;
}

// One turn: fetch if due and no other process is at it. Returns why the fetched sets were set aside, if they were.
asio::awaitable<std::optional<std::string>> fetch_if_due(const RefreshConfig& config, pg::Pool& db, RateStore& store,
                                                         http::Client& client) {
  std::optional<std::string> quarantined;
  auto tx = co_await pg::Transaction::begin(db);
  const auto claim = (co_await tx.exec(pg::statement(claim_fetch))).front();
  const auto now = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  const auto newest = claim.optional_int64("newest_fetch");
  if (!claim.boolean("got") || (newest && now - *newest < config.interval.count())) co_return quarantined;
  auto sets = co_await fetch(config, client);
  quarantined = quarantine_reason(sets, store, config.max_change);
  if (quarantined) {
    co_await tx.rollback();
    co_return quarantined;
  }
  std::vector<pg::Statement> writes;
  for (const auto& set : sets) writes.push_back(save_rate_set(set));
  writes.push_back(pg::statement(notify_rates));
  co_await tx.commit(std::move(writes));
  const auto& fresh = sets.front();
  log::write(log::level::info, "rates fetched", {{"source", fresh.source}, {"as_of", rfc3339(fresh.as_of)}, {"currencies", fresh.rates.size()}});
  store.install(std::move(sets.front()));
  co_return quarantined;
}

}  // namespace

void RefreshStatus::failed(std::string why) {
  std::lock_guard lock(mutex_);
  last_error_ = std::move(why);
}

void RefreshStatus::succeeded() {
  std::lock_guard lock(mutex_);
  last_error_.reset();
}

void RefreshStatus::quarantined(std::string why) {
  ++quarantines_;
  failed(std::move(why));
}

std::optional<std::string> RefreshStatus::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

asio::awaitable<void> reload(std::shared_ptr<pg::Pool> db, std::shared_ptr<RateStore> store) {
  try {
    if (auto set = co_await latest_rate_set(*db)) store->install(std::move(*set));
  } catch (const std::exception& e) {  // detached: whatever it was must be seen, not lost
    log::write(log::level::warn, "rate reload failed", {{"detail", e.what()}});
  }
}

asio::awaitable<void> keep_fresh(RefreshConfig config, std::shared_ptr<pg::Pool> db, std::shared_ptr<RateStore> store,
                                 std::shared_ptr<RefreshStatus> status) {
  http::ClientConfig client_config;
  client_config.ca_file = config.ca_file;
  http::Client client(client_config);
  for (;;) {
    auto wait = duration<double>(config.interval);
    try {
      if (auto set = co_await latest_rate_set(*db)) store->install(std::move(*set));
      const auto quarantined = co_await fetch_if_due(config, *db, *store, client);
      if (quarantined) {
        status->quarantined("rates quarantined: " + *quarantined);
        log::write(log::level::error, "rate set quarantined; the last good rates stay in force",
                   {{"source", config.source}, {"detail", *quarantined}});
        wait = std::min<duration<double>>(wait, seconds(30));
      } else {
        status->succeeded();
      }
    } catch (const std::exception& e) {
      status->failed(e.what());
      log::write(log::level::warn, "rate refresh failed; the last good rates stay in force", {{"source", config.source}, {"detail", e.what()}});
      wait = std::min<duration<double>>(wait, seconds(30));
    }
    // Spread processes out: each waits between 75% and 100% of the period.
    co_await pause(wait * (0.75 + 0.25 * net::unit_random()));
  }
}

}  // namespace rgw::pricing
