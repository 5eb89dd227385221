#include "gateway/accounts/member_tokens.hpp"

#include <charconv>

#include "gateway/core/digest.hpp"

namespace rgw::auth {
namespace {

constexpr std::string_view purpose = "rewardgw member token v1";
constexpr std::size_t max_token_size = 1024;  // ours are about 200 bytes: anything far longer is not one of them

std::string_view key_bytes(const crypto::Sealer::Key& key) {
  return {reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()};
}

// The signed text: one field per line (ids are visible ASCII).
std::string payload(const MemberClaims& c) {
  return "v1\n" + c.program_id + '\n' + c.account_id + '\n' + c.key_id + '\n' +
         std::to_string(c.expires_at.time_since_epoch().count());
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const auto end = text.find('\n', start);
    out.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

}  // namespace

MemberTokens::MemberTokens(const crypto::Sealer& sealer) : keys_(sealer.derived_keys(purpose)) {}

std::string MemberTokens::mint(const MemberClaims& claims) const {
  const auto& key = keys_.front();
  const auto signed_text = payload(claims);
  return std::string(prefix) + crypto::base64url(signed_text) + '.' + crypto::base64url(crypto::hmac_sha256(key_bytes(key), signed_text));
}

std::optional<MemberClaims> MemberTokens::verify(std::string_view token) const {
  if (!is_member_token(token) || token.size() > max_token_size) return std::nullopt;
  token.remove_prefix(prefix.size());
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto signed_text = crypto::from_base64url(token.substr(0, dot));
  const auto mac = crypto::from_base64url(token.substr(dot + 1));
  if (!signed_text || !mac) return std::nullopt;
  // Any configured key may have signed it (rotation); every one is tried, so the time taken tells nothing.
  bool authentic = false;
  for (const auto& key : keys_) authentic = crypto::equal_constant_time(crypto::hmac_sha256(key_bytes(key), *signed_text), *mac) || authentic;
  if (!authentic) return std::nullopt;
  const auto fields = lines(*signed_text);
  if (fields.size() != 5 || fields[0] != "v1") return std::nullopt;
  std::int64_t expires = 0;
  const auto& e = fields[4];
  if (std::from_chars(e.data(), e.data() + e.size(), expires).ptr != e.data() + e.size()) return std::nullopt;
  return MemberClaims{std::string(fields[1]), std::string(fields[2]), std::string(fields[3]), std::chrono::sys_seconds(std::chrono::seconds(expires))};
}

}  // namespace rgw::auth
