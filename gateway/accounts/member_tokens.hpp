#pragma once
// Member tokens: short-lived bearer credentials for a browser, bound to one account. A token is signed with a key
// derived from the secrets keys (core/sealer.hpp), so every process verifies it without the database; it names
// the cabinet key that minted it, whose revocation ends it (checked through the key cache, auth::KeyStore).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/sealer.hpp"

namespace rgw::auth {

struct MemberClaims {
  std::string program_id;
  std::string account_id;
  std::string key_id;  // the cabinet key that minted it
  std::chrono::sys_seconds expires_at;
};

class MemberTokens {
 public:
  // Every token starts with this, so a bearer credential is told from an API key ("rgw_...") by its first bytes.
  static constexpr std::string_view prefix = "rgwm_";

  explicit MemberTokens(const crypto::Sealer& sealer);

  std::string mint(const MemberClaims& claims) const;
  // The claims of a token this gateway signed, expired or not; nullopt for anything else (altered, malformed, or
  // signed with a secrets key no longer configured). The signature is checked before a byte of it is parsed.
  std::optional<MemberClaims> verify(std::string_view token) const;

 private:
  std::vector<crypto::Sealer::Key> keys_;  // the first signs
};

inline bool is_member_token(std::string_view bearer) { return bearer.starts_with(MemberTokens::prefix); }

}  // namespace rgw::auth
