#pragma once
// How the gateway proves itself to a provider (docs/providers.md): HTTP Basic, a bearer API key, an API key in a
// header the provider names, or an OAuth2 client-credentials token. The providers file names secrets by
// reference only — "<field>_file" (a path) or "<field>_env" (a variable) — and they are read into Secret values,
// which never print; they reach nothing but the Authorization (or API-key) header of a request.
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gateway/net/client.hpp"
#include "providers/options.hpp"

namespace rgw::providers {

using Headers = std::map<std::string, std::string>;

class Credentials {
 public:
  // From the entry's "auth" object; nullptr without one (the provider is called without credentials). Throws
  // std::invalid_argument naming the provider and field (never a secret) for a bad entry or an unreadable secret.
  static std::shared_ptr<Credentials> from_options(const ProviderOptions& options, const http::ClientConfig& client);
  virtual ~Credentials() = default;

  // Adds the credential to a request's headers; nullopt, or why it could not (the token request failed).
  virtual boost::asio::awaitable<std::optional<std::string>> apply(Headers& headers) = 0;
  // The provider answered 401 to a request sent with `headers`: drop what they carried (the cached token; a
  // secret re-read from its file or variable). True when the next apply() carries something else, so that
  // one more attempt may succeed.
  virtual bool refused(const Headers& headers) = 0;
  // Closes kept-alive connections of its own (a token endpoint's), as Provider::drop_idle_connections.
  virtual void drop_idle_connections() {}
};

}  // namespace rgw::providers
