// Provider credentials as the providers file names them: by reference only, every mistake refused at start with
// the field named and no secret echoed; HTTP Basic as RFC 7617 writes it.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "gateway/net/client.hpp"
#include "providers/registry.hpp"

namespace rgw {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

// A provider API and its OAuth2 token endpoint on one loopback port, keeping every connection alive and noting
// which ones the client closed (by the first path asked on each).
class KeepAliveServer {
 public:
  explicit KeepAliveServer(asio::io_context& io) : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(io, accept(), asio::detached);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
  std::set<std::string> closed;

 private:
  asio::awaitable<void> accept() {
    for (;;) asio::co_spawn(acceptor_.get_executor(), serve(co_await acceptor_.async_accept(asio::use_awaitable)), asio::detached);
  }
  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    std::string first;
    for (;;) {
      bhttp::request<bhttp::string_body> request;
      const auto [error, bytes] = co_await bhttp::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
      if (error) break;
      if (first.empty()) first = std::string(request.target().substr(0, request.target().find('?')));
      bhttp::response<bhttp::string_body> response{bhttp::status::ok, 11};
      response.set(bhttp::field::content_type, "application/json");
      response.body() = first == "/oauth/token" ? R"({"access_token": "a-token", "expires_in": 3600})" : R"({"content": [], "totalPages": 1})";
      response.keep_alive(true);
      response.prepare_payload();
      co_await bhttp::async_write(socket, response, asio::use_awaitable);
    }
    closed.insert(first);
  }
  asio::ip::tcp::acceptor acceptor_;
};

// The message of the configuration error for `auth` on an HTTP provider, or "" when it is accepted.
std::string refusal(const nlohmann::json& auth) {
  try {
    providers::Registry::from_json({{"p", {{"kind", "tango"}, {"base_url", "http://127.0.0.1:9/raas/v2"}, {"account", "a"}, {"customer", "c"}, {"auth", auth}}}});
    return "";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

TEST(BasicAuthorization, IsRfc7617sExample) {
  EXPECT_EQ(http::basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(ProviderCredentials, SecretsAreNamedByReferenceOnly) {
  const auto file = std::filesystem::temp_directory_path() / "rgw-credentials-test-secret";
  std::ofstream(file) << "very-secret-value\n";
  ::setenv("RGW_CREDENTIALS_TEST_TOKEN", "another-secret", 1);
  EXPECT_EQ(refusal({{"kind", "basic"}, {"username", "u"}, {"password_file", file.string()}}), "");
  EXPECT_EQ(refusal({{"kind", "bearer"}, {"token_env", "RGW_CREDENTIALS_TEST_TOKEN"}}), "");
  EXPECT_EQ(refusal({{"kind", "api_key"}, {"header", "X-Key"}, {"key_file", file.string()}}), "");
  EXPECT_EQ(refusal({{"kind", "oauth2"}, {"token_url", "https://auth.example/oauth/token"}, {"client_id", "c"}, {"client_secret_env", "RGW_CREDENTIALS_TEST_TOKEN"}}), "");

  const auto inline_secret = refusal({{"kind", "bearer"}, {"token", "very-secret-value"}});
  EXPECT_NE(inline_secret.find("'auth.token' must not be written"), std::string::npos) << inline_secret;
  EXPECT_EQ(inline_secret.find("very-secret-value"), std::string::npos) << "the error never echoes the secret";
  EXPECT_NE(refusal({{"kind", "bearer"}, {"token_file", file.string()}, {"token_env", "RGW_CREDENTIALS_TEST_TOKEN"}}).find("exactly one"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "bearer"}, {"token_file", "/nonexistent/secret"}}).find("file /nonexistent/secret is missing or empty"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "bearer"}, {"token_env", "RGW_CREDENTIALS_TEST_UNSET"}}).find("environment variable RGW_CREDENTIALS_TEST_UNSET"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "basic"}, {"password_file", file.string()}}).find("'auth.username' is required"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "oauth2"}, {"client_id", "c"}, {"client_secret_file", file.string()}}).find("'auth.token_url' is required"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "oauth2"}, {"token_url", "ftp://x"}, {"client_id", "c"}, {"client_secret_file", file.string()}}).find("token_url"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "oauth2"}, {"token_url", "https://a.example/t"}, {"client_id", "c"}, {"client_secret_file", file.string()}, {"token_format", "xml"}})
                .find("token_format"),
            std::string::npos);
  EXPECT_NE(refusal({{"kind", "digest"}}).find("basic, bearer, api_key or oauth2"), std::string::npos);
  EXPECT_NE(refusal("bearer").find("must be an object"), std::string::npos);
  std::filesystem::remove(file);
}

// A process stops by closing its providers' kept-alive connections on their threads, before their io_contexts go;
// the token endpoint's were left open, to be closed after their io_context was destroyed (a use after free seen
// by ThreadSanitizer, and once as a corrupted heap in CI).
TEST(ProviderCredentials, DroppingAProvidersIdleConnectionsClosesItsTokenEndpointsToo) {
  ::setenv("RGW_CREDENTIALS_TEST_SECRET", "client-secret", 1);
  asio::io_context io;
  KeepAliveServer server(io);
  const auto registry = providers::Registry::from_json(
      {{"p", {{"kind", "reloadly"}, {"base_url", server.url()},
              {"auth", {{"kind", "oauth2"}, {"token_url", server.url() + "/oauth/token"}, {"client_id", "c"}, {"client_secret_env", "RGW_CREDENTIALS_TEST_SECRET"}}}}}});
  auto* provider = registry->find("p");
  bool listed = false;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    co_await provider->products();  // a token request, then the catalog's one page
    listed = true;
  }, asio::detached);
  while (!listed && io.run_one_for(10s) > 0) {
  }
  ASSERT_TRUE(listed);
  EXPECT_TRUE(server.closed.empty()) << "both connections kept alive";
  provider->drop_idle_connections();
  while (server.closed.size() < 2 && io.run_one_for(5s) > 0) {
  }
  EXPECT_EQ(server.closed, (std::set<std::string>{"/oauth/token", "/products"}));
}

}  // namespace
}  // namespace rgw
