#include "gateway/dispatch/pauses.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>

namespace rgw::dispatch::pauses {
namespace {

const pg::Query upsert_pause{"pause_provider",
                             "INSERT INTO provider_pauses (provider, reason, key_id) VALUES ($1, $2, $3)"
                             " ON CONFLICT (provider) DO UPDATE SET reason = excluded.reason, key_id = excluded.key_id, paused_at = now()"};
const pg::Query delete_pause{"resume_provider", "DELETE FROM provider_pauses WHERE provider = $1"};
const pg::Query notify_change{"notify_provider_pause", "SELECT pg_notify('rgw_providers', $1)"};
const pg::Query all_pauses{"provider_pauses", "SELECT provider, reason FROM provider_pauses"};

}  // namespace

pg::Statement pause_statement(const std::string& provider, const std::string& reason, const std::string& key_id) {
  return pg::statement(upsert_pause, provider, reason, key_id);
}
pg::Statement resume_statement(const std::string& provider) { return pg::statement(delete_pause, provider); }
pg::Statement notify_statement(const std::string& provider) { return pg::statement(notify_change, provider); }

boost::asio::awaitable<void> apply(pg::Pool& db, const providers::Registry& providers) {
  const auto rows = co_await db.exec(pg::statement(all_pauses));
  std::map<std::string, std::string, std::less<>> paused;
  for (int i = 0; i < rows.size(); ++i) paused.emplace(rows[i].text("provider"), rows[i].text("reason"));
  for (const auto& p : providers.all()) {
    const auto it = paused.find(p->name());
    p->pause(it == paused.end() ? std::nullopt : std::optional(it->second));
  }
}

boost::asio::awaitable<bool> drained(const providers::Provider& provider, std::chrono::milliseconds limit) {
  // Issue calls end within the provider's timeout; a short poll is enough and needs no signal from the permits.
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (provider.issuing() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  co_return true;
}

}  // namespace rgw::dispatch::pauses
