#pragma once
// The simulator's side of authentication: what each provider API demands (nothing until told), and an OAuth2
// token endpoint whose tokens expire and can be revoked early.
//   POST /admin/{tango|tremendous|reloadly|billing}/auth  one of {"basic": {"username", "password"}}, {"bearer": "TOKEN"},
//        {"api_key": {"header", "key"}}, {"oauth2": {"client_id", "client_secret", "audience"?}}, {} (none)
//   POST /oauth/token        client credentials, as a form (RFC 6749) or JSON: {"access_token", "token_type",
//                            "expires_in"}; wrong client → 401 {"error": "invalid_client"}
//   POST /admin/oauth {"token_ttl_s": N}   lifetime of tokens issued from now on (default 3600)
//   POST /admin/oauth/revoke               every token issued so far stops working
//   GET  /admin/oauth/stats                {"token_requests": N, "tokens_issued": N}
// Runs on the simulator's one thread.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gateway/net/message.hpp"

namespace rgw::sim {

class Authority {
 public:
  // The answer to a token or /admin/oauth request; nullopt for any other path.
  std::optional<http::Response> handle(const http::Request& request);
  // POST /admin/<api>/auth.
  http::Response configure(const std::string& api, const nlohmann::json& body);
  // Whether `request` carries what `api` demands.
  bool allows(const std::string& api, const http::Request& request) const;

 private:
  http::Response issue_token(const http::Request& request);

  std::map<std::string, nlohmann::json> demands_;  // api → its "auth" configuration
  struct Token {
    std::string api;
    std::chrono::steady_clock::time_point expires;
  };
  std::map<std::string, Token> tokens_;
  std::chrono::seconds token_ttl_{3600};
  long token_requests_ = 0, tokens_issued_ = 0;
  std::uint64_t next_token_ = 0;
};

}  // namespace rgw::sim
