#pragma once
// CORS for the cabinet in a browser: a preflight from an origin some program lists is answered (a preflight
// carries no credentials, so it cannot name its program); every answer to a listed origin may be read by its page.
// Whether a member may act from that origin is its own program's list (Api checks that after authentication).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <set>
#include <string>

#include "gateway/net/message.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::api {

// One per shard (used from its thread only): the origins every program lists, read again at most once a second,
// so a PATCH of cors_origins is served within that.
class CorsOrigins {
 public:
  boost::asio::awaitable<bool> listed(pg::Pool& db, const std::string& origin);

 private:
  std::set<std::string> origins_;
  std::chrono::steady_clock::time_point read_at_{};
  bool read_once_ = false;
};

// A preflight is OPTIONS with Origin and Access-Control-Request-Method.
bool is_preflight(const http::Request& request);
// 204; with the CORS headers when `listed`, none otherwise (the browser then refuses the request).
http::Response preflight_answer(const std::string& origin, bool listed);
// Lets the page at `origin` read `response`.
void allow_origin(http::Response& response, const std::string& origin);

}  // namespace rgw::api
