#pragma once
// A blocking HTTP/1.1 client for tests: one connection per call, optional TLS with certificate verification.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace rgw::test {

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Client {
  unsigned short port = 0;
  std::optional<std::string> ca_file;  // set: speak TLS and verify the server against this CA

  // headers: {"Name", "value"}; a "Content-Type: application/json" is added when body is set and none given.
  Reply request(const std::string& method, const std::string& target, const std::optional<std::string>& body = std::nullopt,
                const std::multimap<std::string, std::string>& headers = {}) const;
};

}  // namespace rgw::test
