#include "providers/credentials.hpp"

#include <algorithm>
#include <boost/system/system_error.hpp>
#include <cstdlib>
#include <functional>
#include <variant>
#include <fstream>
#include <mutex>
#include <sstream>

#include "gateway/net/client.hpp"
#include "gateway/net/landing.hpp"

namespace rgw::providers {
namespace {

using nlohmann::json;
using clock = std::chrono::steady_clock;

// One secret of the "auth" object: "<field>_file" or "<field>_env", exactly one; never the value inline.
class SecretRef {
 public:
  SecretRef(const ProviderOptions& o, const json& auth, const std::string& field) {
    if (auth.contains(field)) o.fail("'auth." + field + "' must not be written in the providers file: name it with " + field + "_file or " + field + "_env");
    const bool file = auth.contains(field + "_file"), env = auth.contains(field + "_env");
    if (file == env) o.fail("'auth' needs exactly one of " + field + "_file and " + field + "_env");
    const auto& ref = auth.at(field + (file ? "_file" : "_env"));
    if (!ref.is_string() || ref.get<std::string>().empty()) o.fail("'auth." + field + (file ? "_file" : "_env") + "' must be a non-empty string");
    (file ? path_ : variable_) = ref.get<std::string>();
    if (!read()) o.fail("'auth." + field + "': " + where() + " is missing or empty");
  }

  // The secret as it is now (a file is read again each time: a fixed file takes effect without a restart).
  std::optional<Secret> read() const {
    std::string value;
    if (!path_.empty()) {
      std::ifstream in(path_);
      std::ostringstream all;
      all << in.rdbuf();
      value = all.str();
    } else if (const char* v = std::getenv(variable_.c_str())) {
      value = v;
    }
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ')) value.pop_back();
    if (value.empty()) return std::nullopt;
    return Secret(std::move(value));
  }
  std::string where() const { return path_.empty() ? "environment variable " + variable_ : "file " + path_; }

 private:
  std::string path_, variable_;
};

// basic, bearer and api_key: a header whose value comes from secrets read at start and again after a 401.
class HeaderCredentials final : public Credentials {
 public:
  using Build = std::function<std::optional<std::string>()>;  // the header's value from the secrets as they are now
  HeaderCredentials(std::string header, Build build, const ProviderOptions& o) : header_(std::move(header)), build_(std::move(build)) {
    value_ = build_();
    if (!value_) o.fail("'auth': a secret is missing or empty");
  }

  boost::asio::awaitable<std::optional<std::string>> apply(Headers& headers) override {
    std::lock_guard lock(mutex_);
    if (!value_) co_return "the credentials are missing or empty";
    headers[header_] = *value_;
    co_return std::nullopt;
  }

  bool refused(const Headers& headers) override {
    std::lock_guard lock(mutex_);
    value_ = build_();
    const auto used = headers.find(header_);
    return value_ && (used == headers.end() || used->second != *value_);
  }

 private:
  std::string header_;
  Build build_;
  std::mutex mutex_;
  std::optional<std::string> value_;
};

// OAuth2 client credentials (RFC 6749 section 4.4): a token cached until shortly before it expires, one token
// request at a time however many calls wait for it.
class OAuth2Credentials final : public Credentials {
 public:
  OAuth2Credentials(const ProviderOptions& o, const json& auth, const http::ClientConfig& client)
      : client_secret_(o, auth, "client_secret"), client_(client) {
    auto text = [&](const char* key, bool required) -> std::optional<std::string> {
      if (!auth.contains(key)) {
        if (required) o.fail(std::string("'auth.") + key + "' is required for oauth2");
        return std::nullopt;
      }
      if (!auth.at(key).is_string() || auth.at(key).get<std::string>().empty()) o.fail(std::string("'auth.") + key + "' must be a non-empty string");
      return auth.at(key).get<std::string>();
    };
    const auto url = http::Url::parse(*text("token_url", true));
    if (!url) o.fail("'auth.token_url' must be an http:// or https:// URL");
    token_url_ = *url;
    client_id_ = *text("client_id", true);
    audience_ = text("audience", false);
    scope_ = text("scope", false);
    const auto format = text("token_format", false).value_or("form");
    if (format != "form" && format != "json") o.fail("'auth.token_format' must be form (RFC 6749) or json");
    json_request_ = format == "json";
  }

  boost::asio::awaitable<std::optional<std::string>> apply(Headers& headers) override {
    std::shared_ptr<net::Landing> landing;
    bool lead = false;
    {
      std::lock_guard lock(mutex_);
      if (token_ && clock::now() < token_->renew_at) {
        headers["Authorization"] = "Bearer " + token_->value.reveal();
        co_return std::nullopt;
      }
      if (!refreshing_) {
        refreshing_ = std::make_shared<net::Landing>();
        lead = true;
      }
      landing = refreshing_;
    }
    if (lead) co_await refresh(landing);
    else co_await landing->wait();
    std::lock_guard lock(mutex_);
    if (!token_) co_return problem_.value_or("no access token");
    headers["Authorization"] = "Bearer " + token_->value.reveal();
    co_return std::nullopt;
  }

  void drop_idle_connections() override { client_.drop_idle(); }

  bool refused(const Headers& headers) override {
    std::lock_guard lock(mutex_);
    const auto used = headers.find("Authorization");
    if (token_ && used != headers.end() && used->second == "Bearer " + token_->value.reveal()) token_.reset();  // revoked or expired early
    return true;  // the next apply() asks for a token (or uses one fetched meanwhile)
  }

 private:
  struct Token {
    Secret value;
    clock::time_point renew_at;
  };

  boost::asio::awaitable<void> refresh(std::shared_ptr<net::Landing> landing) {
    // However this ends (even destroyed mid-request at shutdown), the waiters are let go.
    struct Finish {
      OAuth2Credentials& self;
      std::shared_ptr<net::Landing> landing;
      ~Finish() {
        {
          std::lock_guard lock(self.mutex_);
          if (self.refreshing_ == landing) self.refreshing_.reset();
        }
        landing->finish();
      }
    } finish{*this, landing};
    auto fetched = co_await request_token();
    std::lock_guard lock(mutex_);
    if (auto* token = std::get_if<Token>(&fetched)) {
      token_ = std::move(*token);
      problem_.reset();
    } else {
      token_.reset();
      problem_ = std::get<std::string>(fetched);
    }
  }

  boost::asio::awaitable<std::variant<Token, std::string>> request_token() {
    const auto secret = client_secret_.read();  // again each time: a fixed file works without a restart
    if (!secret) co_return "the client secret (" + client_secret_.where() + ") is missing or empty";
    Headers headers{{"Accept", "application/json"}};
    std::string body;
    if (json_request_) {
      json request = {{"grant_type", "client_credentials"}, {"client_id", client_id_}, {"client_secret", secret->reveal()}};
      if (audience_) request["audience"] = *audience_;
      if (scope_) request["scope"] = *scope_;
      body = request.dump();
      headers["Content-Type"] = "application/json";
    } else {
      body = "grant_type=client_credentials&client_id=" + http::percent_encoded(client_id_) + "&client_secret=" + http::percent_encoded(secret->reveal());
      if (audience_) body += "&audience=" + http::percent_encoded(*audience_);
      if (scope_) body += "&scope=" + http::percent_encoded(*scope_);
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    http::ClientReply reply;
    try {
      reply = co_await client_.post(token_url_, std::move(body), headers);
    } catch (const boost::system::system_error& e) {
      co_return std::string("token request failed: ") + e.what();
    }
    const auto doc = json::parse(reply.body, nullptr, false);
    if (reply.status != 200) {
      // The OAuth2 error code ("invalid_client") says what is wrong and is no secret; the rest of the body is not read.
      const auto code = doc.is_object() && doc.contains("error") && doc["error"].is_string() ? doc["error"].get<std::string>().substr(0, 60) : "";
      co_return "token request: HTTP " + std::to_string(reply.status) + (code.empty() ? "" : " " + code) +
          (reply.status == 401 || reply.status == 400 ? " (check client_id and the client secret)" : "");
    }
    if (!doc.is_object() || !doc.contains("access_token") || !doc["access_token"].is_string() || doc["access_token"].get<std::string>().empty())
      co_return std::string("token request: an answer without access_token");
    std::int64_t lifetime = 3600;
    if (doc.contains("expires_in") && doc["expires_in"].is_number_integer()) lifetime = std::clamp<std::int64_t>(doc["expires_in"].get<std::int64_t>(), 1, 86'400);
    // Renewed a little before it runs out (a tenth of its life, at most a minute), so no call carries a dying token.
    const auto life = std::chrono::seconds(lifetime);
    const auto margin = std::min<clock::duration>(std::chrono::minutes(1), life / 10);
    co_return Token{Secret(doc["access_token"].get<std::string>()), clock::now() + life - margin};
  }

  SecretRef client_secret_;
  http::Client client_;
  http::Url token_url_;
  std::string client_id_;
  std::optional<std::string> audience_, scope_;
  bool json_request_ = false;
  std::mutex mutex_;
  std::optional<Token> token_;
  std::optional<std::string> problem_;  // why the last token request failed
  std::shared_ptr<net::Landing> refreshing_;
};

}  // namespace

std::shared_ptr<Credentials> Credentials::from_options(const ProviderOptions& o, const http::ClientConfig& client) {
  const auto& entry = o.entry();
  if (!entry.contains("auth")) return nullptr;
  const auto& auth = entry.at("auth");
  if (!auth.is_object() || !auth.contains("kind") || !auth.at("kind").is_string())
    o.fail("'auth' must be an object with a 'kind': basic, bearer, api_key or oauth2");
  const auto kind = auth.at("kind").get<std::string>();
  if (kind == "basic") {
    if (!auth.contains("username") || !auth.at("username").is_string()) o.fail("'auth.username' is required for basic");
    const auto username = auth.at("username").get<std::string>();
    SecretRef password(o, auth, "password");
    return std::make_shared<HeaderCredentials>("Authorization", [username, password]() -> std::optional<std::string> {
      const auto p = password.read();
      if (!p) return std::nullopt;
      return http::basic_authorization(username, p->reveal());
    }, o);
  }
  if (kind == "bearer") {
    SecretRef token(o, auth, "token");
    return std::make_shared<HeaderCredentials>("Authorization", [token]() -> std::optional<std::string> {
      const auto t = token.read();
      if (!t) return std::nullopt;
      return "Bearer " + t->reveal();
    }, o);
  }
  if (kind == "api_key") {
    const auto header = auth.contains("header") && auth.at("header").is_string() ? auth.at("header").get<std::string>() : "X-Api-Key";
    SecretRef key(o, auth, "key");
    return std::make_shared<HeaderCredentials>(header, [key]() -> std::optional<std::string> {
      const auto k = key.read();
      if (!k) return std::nullopt;
      return k->reveal();
    }, o);
  }
  if (kind == "oauth2") return std::make_shared<OAuth2Credentials>(o, auth, client);
  o.fail("'auth.kind' must be basic, bearer, api_key or oauth2");
}

}  // namespace rgw::providers
