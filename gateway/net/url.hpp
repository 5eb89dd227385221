#pragma once
// URLs and destination addresses of outgoing HTTP, checked strictly where a URL enters the process (webhook
// targets, provider base URLs, the FX source): a URL that passes can be written into a request line and a Host
// header as it is, with nothing a server could read as another header or request.
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rgw::http {

struct Url {
  bool tls = false;
  std::string host;    // lower-case DNS name, dotted-quad IPv4, or IPv6 (without the brackets)
  std::string port;    // decimal, 1..65535; the scheme's default when the URL names none
  std::string target;  // path and query, at least "/"; only RFC 3986 characters, '%' followed by two hex digits

  // http://host[:port][/path][?query] (scheme and host case-insensitive); nullopt for anything else: user info,
  // fragments, spaces, control or non-ASCII bytes, bad escapes, numeric hosts that are not a dotted quad
  // ("2130706433", "0x7f.1"), ports out of range.
  static std::optional<Url> parse(std::string_view text);

  bool default_port() const { return port == (tls ? "443" : "80"); }
  // The Host header: the host (IPv6 in brackets), with the port unless it is the scheme's default.
  std::string authority() const;
  // The normalised URL (what is stored and shown).
  std::string text() const;
};

// `text` percent-encoded for a query value or a form field: RFC 3986's unreserved characters kept, every other
// byte as %XX.
std::string percent_encoded(std::string_view text);
// A query value or form field decoded ('+' is a space); nullopt on a bad escape ("%zz", a '%' at the end).
std::optional<std::string> percent_decoded(std::string_view text);

// An IP network in CIDR notation ("10.0.0.0/8", "::1/128"; a bare address is the network of that one address).
struct Network {
  boost::asio::ip::address base;
  unsigned prefix = 0;
  static std::optional<Network> parse(std::string_view text);
  bool contains(const boost::asio::ip::address& address) const;
};

// What kind of non-public address this is ("loopback", "private", "link-local" — cloud metadata services live
// there —, "unspecified", ...), or nullopt for a public unicast address. IPv4-mapped IPv6 counts as its IPv4.
std::optional<std::string_view> special_use(const boost::asio::ip::address& address);

// Which addresses an outgoing connection may reach. Webhook targets are the clients' URLs: only public addresses,
// unless an operator allows networks explicitly (tests, private deployments).
struct DestinationPolicy {
  bool public_only = false;
  std::vector<Network> allowed;  // exceptions to public_only

  // Why `address` may not be reached, or nullopt when it may.
  std::optional<std::string> refusal(const boost::asio::ip::address& address) const;
};

}  // namespace rgw::http
