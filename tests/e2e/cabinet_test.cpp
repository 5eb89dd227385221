// The cabinet in a browser, over HTTP: member tokens bound to one account, CORS and the refusal of program keys
// from browsers, and the event stream of an order's statuses (fed through the database, resumable, bounded).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/accounts/member_tokens.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/format.hpp"
#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

constexpr const char* cabinet_origin = "https://cabinet.example.com";

struct Event {
  std::int64_t id = 0;
  nlohmann::json data;
};

// A Server-Sent Events client over plain HTTP/1.0 (the gateway then ends the body with the connection, unchunked).
class EventStream {
 public:
  EventStream(unsigned short port, const std::string& target, const Headers& headers) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
    std::string request = "GET " + target + " HTTP/1.0\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) throw std::runtime_error("send failed");
  }
  ~EventStream() { ::close(fd_); }

  // The status line and headers (read on first use).
  const std::string& head() {
    while (head_.empty() && fill()) {
      if (const auto end = buffer_.find("\r\n\r\n"); end != std::string::npos) {
        head_ = buffer_.substr(0, end);
        buffer_.erase(0, end + 4);
      }
    }
    return head_;
  }
  // The next `status` event; nullopt when the stream ended or nothing came within 15 s. Comments are counted.
  std::optional<Event> next() {
    head();
    for (;;) {
      const auto end = buffer_.find("\n\n");
      if (end == std::string::npos) {
        if (!fill()) return std::nullopt;
        continue;
      }
      const auto block = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      if (block.starts_with(":")) {
        ++comments;
        continue;
      }
      Event event;
      std::string name;
      std::size_t start = 0;
      while (start < block.size()) {
        const auto line_end = std::min(block.find('\n', start), block.size());
        const auto line = block.substr(start, line_end - start);
        if (line.starts_with("id: ")) event.id = std::stoll(line.substr(4));
        if (line.starts_with("event: ")) name = line.substr(7);
        if (line.starts_with("data: ")) event.data = nlohmann::json::parse(line.substr(6));
        start = line_end + 1;
      }
      if (name == "status") return event;
    }
  }
  // Reads up to the next block: true if it is a comment (a heartbeat, consumed), false for an event or the end.
  bool comment() {
    head();
    for (;;) {
      const auto end = buffer_.find("\n\n");
      if (end == std::string::npos) {
        if (!fill()) return false;
        continue;
      }
      if (!buffer_.starts_with(":")) return false;
      buffer_.erase(0, end + 2);
      ++comments;
      return true;
    }
  }
  // Whether the server closed the stream (within 15 s), once what was sent has been read.
  bool ended() {
    while (fill()) {
    }
    return closed_;
  }

  int comments = 0;

 private:
  bool fill() {
    if (closed_) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 15'000) <= 0) return false;
    char chunk[4096];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_, head_;
  bool closed_ = false;
};

// A gateway that accepts but does not dispatch: orders wait until another process (or the test) moves them.
class Cabinet : public RedemptionFixture {
 protected:
  void adjust(app::Config& c) override {
    c.dispatch.concurrency = 0;
    // Long: a stream that moves on time moved by its notification, not by the poll each heartbeat makes.
    c.settings.event_heartbeat = heartbeat;
    c.settings.event_streams_max = 2;
    sealer = c.sealer;
  }

  std::string member_token(const std::string& account_id, int ttl_s = 900) const {
    const auto session = client.request("POST", "/v1/accounts/" + account_id + "/sessions", nlohmann::json{{"ttl_s", ttl_s}}.dump(), bearer(tenant.cabinet));
    EXPECT_EQ(session.status, 201u) << session.body;
    return session.json().value("token", "");
  }
  std::string other_account() const {
    const auto created = client.request("POST", "/v1/accounts", nlohmann::json{{"external_ref", "other-" + unique_suffix()}, {"name", "Other"}}.dump(),
                                        bearer(tenant.admin));
    return created.json()["id"];
  }
  Reply as(const std::string& token, const std::string& method, const std::string& target, std::optional<std::string> body = std::nullopt,
           Headers more = {}) const {
    return client.request(method, target, body, bearer(token, std::move(more)));
  }

  std::shared_ptr<const crypto::Sealer> sealer;
  std::chrono::milliseconds heartbeat{60'000};
};

class CabinetIdle : public Cabinet {
 protected:
  CabinetIdle() { heartbeat = std::chrono::milliseconds(100); }
};

TEST_F(Cabinet, SessionMintsAMemberTokenOfTheAccountForAShortWhile) {
  const auto before = std::chrono::system_clock::now();
  const auto session = client.request("POST", "/v1/accounts/" + tenant.account_id + "/sessions", R"({"ttl_s": 600})", bearer(tenant.cabinet));
  ASSERT_EQ(session.status, 201u) << session.body;
  EXPECT_EQ(session.header("cache-control"), "no-store");
  const auto body = session.json();
  EXPECT_EQ(body["account_id"], tenant.account_id);
  EXPECT_TRUE(body["token"].get<std::string>().starts_with("rgwm_"));
  const auto expires = parse_rfc3339(body["expires_at"].get<std::string>());
  ASSERT_TRUE(expires);
  EXPECT_NEAR(std::chrono::duration<double>(*expires - before).count(), 600, 5);

  // Without a body: 15 minutes.
  EXPECT_EQ(client.request("POST", "/v1/accounts/" + tenant.account_id + "/sessions", std::nullopt, bearer(tenant.cabinet)).status, 201u);
  for (const auto* ttl : {R"({"ttl_s": 59})", R"({"ttl_s": 3601})", R"({"ttl_s": "900"})", R"({"ttl": 900})"})
    EXPECT_EQ(client.request("POST", "/v1/accounts/" + tenant.account_id + "/sessions", std::string(ttl), bearer(tenant.cabinet)).status, 400u) << ttl;
  EXPECT_EQ(client.request("POST", "/v1/accounts/acc_nobody/sessions", std::nullopt, bearer(tenant.cabinet)).status, 404u);
  // Only the cabinet's server mints them: not other roles, not a member.
  EXPECT_EQ(client.request("POST", "/v1/accounts/" + tenant.account_id + "/sessions", std::nullopt, bearer(tenant.finance)).status, 403u);
  EXPECT_EQ(as(body["token"], "POST", "/v1/accounts/" + tenant.account_id + "/sessions").status, 403u);
}

TEST_F(Cabinet, MemberSeesItsOwnAccountOnlyAndDoesOnlyWhatAMemberMay) {
  credit(5000);
  const auto token = member_token(tenant.account_id);
  const auto other = other_account();
  const std::string own = "/v1/accounts/" + tenant.account_id;

  EXPECT_EQ(as(token, "GET", own).json()["balance"], 5000);
  EXPECT_EQ(as(token, "GET", own + "/ledger").status, 200u);
  EXPECT_EQ(as(token, "GET", "/v1/catalog?locale=en").status, 200u);
  EXPECT_EQ(as(token, "GET", "/v1/fx/convert?from=EUR&to=USD&amount=10.00").status, 200u);
  // Another account of the same program is not there for it.
  EXPECT_EQ(as(token, "GET", "/v1/accounts/" + other).status, 404u);
  EXPECT_EQ(as(token, "GET", "/v1/accounts/" + other + "/ledger").status, 404u);
  const nlohmann::json others_quote = {{"account_id", other}, {"sku", "AMZ"}, {"face_value", ten_eur}};
  EXPECT_EQ(as(token, "POST", "/v1/quotes", others_quote.dump()).status, 404u);
  EXPECT_EQ(as(token, "POST", "/v1/redemptions", others_quote.dump(), {{"Idempotency-Key", "m-" + unique_suffix()}}).status, 404u);
  EXPECT_EQ(as(token, "GET", "/v1/redemptions?account_id=" + other).status, 404u);
  // Everything that is not a member's: 403.
  EXPECT_EQ(as(token, "POST", "/v1/programs/" + tenant.program_id + "/api-keys", R"({"role": "admin"})").status, 403u);
  EXPECT_EQ(as(token, "POST", own + "/credits", R"({"points": 10, "reason": "x"})", {{"Idempotency-Key", "m-" + unique_suffix()}}).status, 403u);
  EXPECT_EQ(as(token, "PATCH", own, R"({"name": "Mine"})").status, 403u);
  EXPECT_EQ(as(token, "GET", "/v1/reports/payouts?from=2026-01-01&to=2026-02-01").status, 403u);
  EXPECT_EQ(as(token, "GET", "/v1/fx/rates").status, 403u);

  // Its own quote and redemption go through; another account's order stays invisible, even by id.
  const nlohmann::json mine = {{"account_id", tenant.account_id}, {"sku", "AMZ"}, {"face_value", ten_eur}};
  const auto quote = as(token, "POST", "/v1/quotes", mine.dump());
  ASSERT_EQ(quote.status, 201u) << quote.body;
  EXPECT_EQ(as(token, "GET", "/v1/quotes/" + quote.json()["id"].get<std::string>()).status, 200u);
  const auto order = as(token, "POST", "/v1/redemptions", mine.dump(), {{"Idempotency-Key", "m-" + unique_suffix()}});
  ASSERT_EQ(order.status, 202u) << order.body;
  ASSERT_EQ(client.request("POST", "/v1/accounts/" + other + "/credits", R"({"points": 5000, "reason": "t"})",
                           bearer(tenant.admin, {{"Idempotency-Key", "o-" + unique_suffix()}})).status, 201u);
  nlohmann::json theirs = mine;
  theirs["account_id"] = other;
  const auto their_order = client.request("POST", "/v1/redemptions", theirs.dump(), bearer(tenant.cabinet, {{"Idempotency-Key", "t-" + unique_suffix()}}));
  ASSERT_EQ(their_order.status, 202u);
  const std::string their_id = their_order.json()["id"];
  EXPECT_EQ(as(token, "GET", "/v1/redemptions/" + their_id).status, 404u);
  EXPECT_EQ(as(token, "POST", "/v1/redemptions/" + their_id + "/reveal").status, 404u);
  EXPECT_EQ(as(token, "GET", "/v1/redemptions/" + their_id + "/events").status, 404u);
  EXPECT_EQ(as(token, "GET", "/v1/redemptions/" + order.json()["id"].get<std::string>()).status, 200u);
  const auto listed = as(token, "GET", "/v1/redemptions").json()["items"];
  ASSERT_EQ(listed.size(), 1u) << "a member lists its own orders only";
  EXPECT_EQ(listed[0]["account_id"], tenant.account_id);
  // The cabinet key itself still sees both.
  EXPECT_EQ(client.request("GET", "/v1/redemptions", std::nullopt, bearer(tenant.cabinet)).json()["items"].size(), 2u);
}

TEST_F(Cabinet, MemberTokenEndsAtExpiryWhenAlteredAndWithItsCabinetKey) {
  const auto token = member_token(tenant.account_id);
  const std::string own = "/v1/accounts/" + tenant.account_id;
  ASSERT_EQ(as(token, "GET", own).status, 200u);

  // Signed with the gateway's own key, but past its time.
  const auth::MemberTokens tokens(*sealer);
  const auto past = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - std::chrono::seconds(1);
  const auto expired = as(tokens.mint({tenant.program_id, tenant.account_id, tenant.cabinet_key_id, past}), "GET", own);
  EXPECT_EQ(expired.status, 401u);
  EXPECT_NE(expired.json()["detail"].get<std::string>().find("expired"), std::string::npos) << expired.body;
  // Another account written into a token: the signature no longer holds.
  const auto dot = token.find('.');
  auto claims = crypto::from_base64url(token.substr(5, dot - 5)).value();
  claims.replace(claims.find(tenant.account_id), tenant.account_id.size(), other_account());
  EXPECT_EQ(as("rgwm_" + crypto::base64url(claims) + token.substr(dot), "GET", own).status, 401u);
  EXPECT_EQ(as(token.substr(0, token.size() - 2), "GET", own).status, 401u);
  // A token naming a key of another role (or program) is no member's.
  EXPECT_EQ(as(tokens.mint({tenant.program_id, tenant.account_id, tenant.admin_key_id, past + std::chrono::hours(1)}), "GET", own).status, 401u);

  // Revoking the cabinet key that minted it ends it at once.
  ASSERT_EQ(client.request("DELETE", "/v1/api-keys/" + tenant.cabinet_key_id, std::nullopt, bearer(tenant.admin)).status, 204u);
  EXPECT_EQ(as(token, "GET", own).status, 401u);
}

TEST_F(Cabinet, CorsAnswersListedOriginsAndProgramKeysAreRefusedFromBrowsers) {
  ASSERT_EQ(client.request("PATCH", "/v1/programs/" + tenant.program_id, nlohmann::json{{"cors_origins", {cabinet_origin}}}.dump(), bearer(tenant.admin)).status,
            200u);
  const Headers preflight = {{"Origin", cabinet_origin}, {"Access-Control-Request-Method", "POST"},
                             {"Access-Control-Request-Headers", "authorization, content-type, idempotency-key"}};
  // The list is read again within a second of the PATCH.
  const auto allowed = eventually([&] { return client.request("OPTIONS", "/v1/redemptions", std::nullopt, preflight).header("access-control-allow-origin"); },
                                  std::string(cabinet_origin));
  ASSERT_EQ(allowed, cabinet_origin);
  const auto answer = client.request("OPTIONS", "/v1/redemptions", std::nullopt, preflight);
  EXPECT_EQ(answer.status, 204u);
  EXPECT_NE(answer.header("access-control-allow-methods").find("POST"), std::string::npos);
  for (const auto* name : {"Authorization", "Content-Type", "Idempotency-Key"})
    EXPECT_NE(answer.header("access-control-allow-headers").find(name), std::string::npos) << name;
  EXPECT_EQ(answer.header("access-control-max-age"), "600");
  EXPECT_EQ(answer.header("vary"), "Origin");

  const auto stranger = client.request("OPTIONS", "/v1/redemptions", std::nullopt,
                                       {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(stranger.status, 204u);
  EXPECT_EQ(stranger.header("access-control-allow-origin"), "") << "no CORS headers for an unlisted origin";
  EXPECT_EQ(client.request("OPTIONS", "/v1/nothing-here", std::nullopt, preflight).status, 404u);

  // A long-lived key with Origin: refused whatever its role, and the page may read why.
  for (const auto& key : {tenant.cabinet, tenant.admin, gateway->bootstrap_key}) {
    const auto refused = client.request("GET", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(key, {{"Origin", cabinet_origin}}));
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(refused.json()["code"], "browser_key_refused");
    EXPECT_EQ(refused.header("access-control-allow-origin"), cabinet_origin);
  }
  // A member token from the listed origin works; from another origin it is refused.
  const auto token = member_token(tenant.account_id);
  const auto from_cabinet = as(token, "GET", "/v1/accounts/" + tenant.account_id, std::nullopt, {{"Origin", cabinet_origin}});
  EXPECT_EQ(from_cabinet.status, 200u);
  EXPECT_EQ(from_cabinet.header("access-control-allow-origin"), cabinet_origin);
  EXPECT_NE(from_cabinet.header("access-control-expose-headers").find("X-Request-Id"), std::string::npos);
  const auto from_elsewhere = as(token, "GET", "/v1/accounts/" + tenant.account_id, std::nullopt, {{"Origin", "https://evil.example"}});
  EXPECT_EQ(from_elsewhere.status, 403u);
  EXPECT_EQ(from_elsewhere.json()["code"], "origin_not_allowed");
  EXPECT_EQ(from_elsewhere.header("access-control-allow-origin"), "");
}

TEST_F(Cabinet, EventStreamFollowsAnOrderMovedByAnotherProcessAndResumes) {
  credit(5000);
  const auto order = redeem("sse-" + unique_suffix());
  ASSERT_EQ(order.status, 202u);
  const std::string id = order.json()["id"];
  const auto token = member_token(tenant.account_id);
  const std::string target = "/v1/redemptions/" + id + "/events";

  EventStream stream(gateway->port(), target, bearer(token));
  EXPECT_NE(stream.head().find("200 OK"), std::string::npos) << stream.head();
  EXPECT_NE(stream.head().find("text/event-stream"), std::string::npos);
  const auto accepted = stream.next();
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->data["status"], "accepted");
  EXPECT_EQ(accepted->data["id"], id);
  // Another process dispatches it; this one hears of it through the database.
  auto dispatcher = world->gateway();
  std::vector<Event> seen{*accepted};
  while (auto event = stream.next()) seen.push_back(*event);
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen.back().data["status"], "issued");
  EXPECT_TRUE(seen.back().data["reward"].is_object()) << "the issued event carries the (masked) reward";
  EXPECT_EQ(seen[1].data["status"], "dispatching");
  EXPECT_TRUE(seen[1].data["reward"].is_null()) << "an earlier status shows nothing of what came after";
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i].id, seen[i - 1].id);
  EXPECT_TRUE(stream.ended()) << "closed after the final status";

  // A client that lost the stream after the first event gets everything after it, in order.
  EventStream resumed(gateway->port(), target, bearer(token, {{"Last-Event-ID", std::to_string(seen[0].id)}}));
  std::vector<std::int64_t> ids;
  while (auto event = resumed.next()) ids.push_back(event->id);
  std::vector<std::int64_t> expected;
  for (std::size_t i = 1; i < seen.size(); ++i) expected.push_back(seen[i].id);
  EXPECT_EQ(ids, expected);
  // One that had the final status already: nothing more, closed at once.
  EventStream done(gateway->port(), target, bearer(token, {{"Last-Event-ID", std::to_string(seen.back().id)}}));
  EXPECT_FALSE(done.next());
  EXPECT_TRUE(done.ended());
}

TEST_F(CabinetIdle, EventStreamSendsHeartbeatsWhileTheOrderWaits) {
  credit(5000);
  const auto order = redeem("idle-" + unique_suffix());
  ASSERT_EQ(order.status, 202u);
  EventStream stream(gateway->port(), "/v1/redemptions/" + order.json()["id"].get<std::string>() + "/events", bearer(tenant.ops));
  ASSERT_TRUE(stream.next());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(stream.comment()) << "heartbeat " << i;
}

TEST_F(Cabinet, EventStreamsPerProcessAreBounded) {
  credit(5000);
  const auto order = redeem("bound-" + unique_suffix());
  ASSERT_EQ(order.status, 202u);
  const std::string target = "/v1/redemptions/" + order.json()["id"].get<std::string>() + "/events";
  EventStream first(gateway->port(), target, bearer(tenant.cabinet));
  EventStream second(gateway->port(), target, bearer(tenant.ops));
  ASSERT_TRUE(first.next());
  ASSERT_TRUE(second.next());
  const auto third = client.request("GET", target, std::nullopt, bearer(tenant.cabinet));
  EXPECT_EQ(third.status, 503u);
  EXPECT_EQ(third.json()["code"], "too_many_streams");
  EXPECT_EQ(third.header("retry-after"), "5");
  EXPECT_EQ(counter_value(client, "rewardgw_event_streams_refused_total"), 1u);
  EXPECT_EQ(client.request("GET", target, std::nullopt, bearer(tenant.finance)).status, 403u) << "finance does not follow orders";
}

TEST_F(Cabinet, TheWidgetScriptIsServedWithoutAKeyAndCachedByItsEtag) {
  const auto script = client.request("GET", "/widget/v1/redeem.js");
  ASSERT_EQ(script.status, 200u);
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(script.body.find("customElements.define('rewardgw-redeem'"), std::string::npos);
  EXPECT_EQ(script.header("cache-control"), "public, max-age=300");
  const auto again = client.request("GET", "/widget/v1/redeem.js", std::nullopt, {{"If-None-Match", script.header("etag")}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), script.header("etag"));
  EXPECT_EQ(client.request("GET", "/demo/cabinet").status, 404u) << "no demo without REWARDGW_DEMO=1";
}

}  // namespace
}  // namespace rgw::test
