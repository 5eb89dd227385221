#include "gateway/pg/listener.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "gateway/core/log.hpp"

namespace rgw::pg {

asio::awaitable<void> listen(std::string conninfo, std::vector<std::string> channels, NotificationHandler on_notify,
                             std::function<void()> on_connected) {
  using namespace std::chrono_literals;
  auto executor = co_await asio::this_coro::executor;
  auto backoff = duration(100ms);
  for (;;) {
    try {
      auto conn = co_await Connection::connect(conninfo, 5s, 0s);
      std::string sql;
      // Channel names are compile-time constants of ours, quoted as identifiers.
      for (const auto& c : channels) sql += "LISTEN \"" + c + "\";";
      co_await conn->exec_script(sql, 5s);
      backoff = 100ms;
      if (on_connected) on_connected();
      for (;;) on_notify(co_await conn->next_notification());
    } catch (const Error& e) {
      log::write(log::level::warn, "database listener disconnected", {{"detail", e.what()}});
    }
    asio::steady_timer pause(executor, backoff);
    co_await pause.async_wait(asio::use_awaitable);
    backoff = std::min<duration>(backoff * 2, 5s);
  }
}

}  // namespace rgw::pg
