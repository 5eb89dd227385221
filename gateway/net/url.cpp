#include "gateway/net/url.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace rgw::http {

namespace ip = boost::asio::ip;

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 3986 pchar less '%' (checked with its two digits), plus '/' and '?' which may follow the path.
bool target_char(char c) {
  static constexpr std::string_view others = "-._~!$&'()*+,;=:@/?";
  return is_alpha(c) || is_digit(c) || others.find(c) != std::string_view::npos;
}

bool valid_target(std::string_view t) {
  if (t.empty() || t.front() != '/') return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '%') {
      if (i + 2 >= t.size() || !is_hex(t[i + 1]) || !is_hex(t[i + 2])) return false;
      i += 2;
    } else if (!target_char(t[i])) {
      return false;
    }
  }
  return true;
}

// A DNS name: labels of letters, digits and '-' (not at either end), 1..63 each, 253 in all. A last label that
// looks numeric would be read by resolvers as an IPv4 number in some base, so it is not a name.
std::optional<std::string> dns_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return std::nullopt;
  std::string out;
  std::string_view last;
  for (std::size_t start = 0; start <= host.size();) {
    const auto dot = std::min(host.find('.', start), host.size());
    const auto label = host.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return std::nullopt;
    for (char c : label)
      if (!is_alpha(c) && !is_digit(c) && c != '-') return std::nullopt;
    for (char c : label) out += lower(c);
    if (dot < host.size()) out += '.';
    last = label;
    start = dot + 1;
  }
  const bool numeric = std::all_of(last.begin(), last.end(), is_digit) ||
                       (last.size() > 1 && last[0] == '0' && lower(last[1]) == 'x' && std::all_of(last.begin() + 2, last.end(), is_hex));
  if (numeric) return std::nullopt;
  return out;
}

// Four decimal parts 0..255 without leading zeros: the only numeric IPv4 form accepted.
bool dotted_quad(std::string_view host) {
  int parts = 0;
  for (std::size_t start = 0; start <= host.size(); ++parts) {
    const auto dot = std::min(host.find('.', start), host.size());
    const auto part = host.substr(start, dot - start);
    unsigned value = 0;
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || end != part.data() + part.size() || value > 255) return false;
    start = dot + 1;
  }
  return parts == 4;
}

bool looks_numeric(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](char c) { return is_digit(c) || c == '.'; });
}

}  // namespace

std::optional<Url> Url::parse(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  std::string scheme;
  for (char c : text.substr(0, scheme_end)) scheme += lower(c);
  if (scheme == "https") url.tls = true;
  else if (scheme != "http") return std::nullopt;
  text.remove_prefix(scheme_end + 3);

  const auto authority_end = std::min(text.find_first_of("/?#"), text.size());
  auto authority = text.substr(0, authority_end);
  auto rest = text.substr(authority_end);
  if (!rest.empty() && rest.front() == '?') url.target = "/" + std::string(rest);
  else url.target = rest.empty() ? "/" : std::string(rest);
  if (!valid_target(url.target)) return std::nullopt;  // also refuses '#': a fragment is never sent

  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':' || after.size() == 1) return std::nullopt;
      port = after.substr(1);
    }
    boost::system::error_code ec;
    const auto v6 = ip::make_address_v6(std::string(host), ec);
    if (ec || v6.scope_id() != 0) return std::nullopt;
    url.host = v6.to_string();
  } else {
    const auto colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
    if (looks_numeric(host)) {
      if (!dotted_quad(host)) return std::nullopt;
      url.host = std::string(host);
    } else if (auto name = dns_name(host)) {
      url.host = std::move(*name);
    } else {
      return std::nullopt;
    }
  }
  if (port.empty()) {
    url.port = url.tls ? "443" : "80";
  } else {
    unsigned number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || port.size() > 5 || number == 0 || number > 65535) return std::nullopt;
    url.port = std::to_string(number);
  }
  return url;
}

std::string Url::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!default_port()) out += ":" + port;
  return out;
}

std::string Url::text() const { return std::string(tls ? "https://" : "http://") + authority() + target; }

std::optional<Network> Network::parse(std::string_view text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  const auto base = ip::make_address(std::string(text.substr(0, slash)), ec);
  if (ec) return std::nullopt;
  const unsigned bits = base.is_v4() ? 32 : 128;
  unsigned prefix = bits;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, perr] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || perr != std::errc() || end != digits.data() + digits.size() || prefix > bits) return std::nullopt;
  }
  return Network{base, prefix};
}

std::string percent_encoded(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

std::optional<std::string> percent_decoded(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      int v = 0;
      std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);  // two hex digits: cannot fail (a sign is not one)
      out += static_cast<char>(v);
      i += 2;
    } else if (in[i] == '%') {
      return std::nullopt;
    } else {
      out += in[i];
    }
  }
  return out;
}

namespace {

template <std::size_t N>
bool same_prefix(const std::array<unsigned char, N>& a, const std::array<unsigned char, N>& b, unsigned prefix) {
  for (unsigned i = 0; i < prefix; ++i) {
    const unsigned mask = 0x80u >> (i % 8);
    if ((a[i / 8] & mask) != (b[i / 8] & mask)) return false;
  }
  return true;
}

ip::address unmapped(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

}  // namespace

bool Network::contains(const ip::address& address) const {
  const auto a = unmapped(address);
  const auto b = unmapped(base);
  if (a.is_v4() != b.is_v4()) return false;
  if (a.is_v4()) return same_prefix(a.to_v4().to_bytes(), b.to_v4().to_bytes(), std::min(prefix, 32u));
  return same_prefix(a.to_v6().to_bytes(), b.to_v6().to_bytes(), prefix);
}

std::optional<std::string_view> special_use(const ip::address& address) {
  struct Range {
    const char* network;
    std::string_view kind;
  };
  // IANA's special-purpose registries (RFC 6890 and successors): nothing here is a client's public server.
  static const std::array<Range, 25> ranges{{{"0.0.0.0/8", "unspecified"},
                                             {"10.0.0.0/8", "private"},
                                             {"100.64.0.0/10", "shared (carrier-grade NAT)"},
                                             {"127.0.0.0/8", "loopback"},
                                             {"169.254.0.0/16", "link-local"},
                                             {"172.16.0.0/12", "private"},
                                             {"192.0.0.0/24", "IETF protocol assignment"},
                                             {"192.0.2.0/24", "documentation"},
                                             {"192.168.0.0/16", "private"},
                                             {"198.18.0.0/15", "benchmarking"},
                                             {"198.51.100.0/24", "documentation"},
                                             {"203.0.113.0/24", "documentation"},
                                             {"224.0.0.0/4", "multicast"},
                                             {"240.0.0.0/4", "reserved"},
                                             {"::/128", "unspecified"},
                                             {"::1/128", "loopback"},
                                             {"::/96", "IPv4-compatible (deprecated)"},
                                             {"64:ff9b::/96", "NAT64"},
                                             {"64:ff9b:1::/48", "NAT64"},
                                             {"100::/64", "discard-only"},
                                             {"2001:db8::/32", "documentation"},
                                             {"2002::/16", "6to4"},
                                             {"fc00::/7", "private (unique local)"},
                                             {"fe80::/10", "link-local"},
                                             {"ff00::/8", "multicast"}}};
  static const auto networks = [] {
    std::vector<std::pair<Network, std::string_view>> out;
    for (const auto& r : ranges) out.emplace_back(*Network::parse(r.network), r.kind);
    return out;
  }();
  for (const auto& [network, kind] : networks)
    if (network.contains(address)) return kind;
  return std::nullopt;
}

std::optional<std::string> DestinationPolicy::refusal(const ip::address& address) const {
  if (!public_only) return std::nullopt;
  for (const auto& n : allowed)
    if (n.contains(address)) return std::nullopt;
  if (const auto kind = special_use(address)) return unmapped(address).to_string() + " is a " + std::string(*kind) + " address";
  return std::nullopt;
}

}  // namespace rgw::http
