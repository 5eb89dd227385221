#pragma once
// Hashing and randomness from OpenSSL.
#include <optional>
#include <string>
#include <string_view>

namespace rgw::crypto {

std::string sha256_hex(std::string_view data);
// HMAC-SHA256 of `message` under `secret`: the 32 raw bytes, or lower-case hex (webhook signatures).
std::string hmac_sha256(std::string_view secret, std::string_view message);
std::string hmac_sha256_hex(std::string_view secret, std::string_view message);
// Compares in time independent of where the inputs differ (for secrets and their hashes).
bool equal_constant_time(std::string_view a, std::string_view b);
// `bytes` random bytes as unpadded base64url.
std::string random_token(std::size_t bytes);
// Unpadded base64url (RFC 4648 section 5) of `bytes`, and back; nullopt for anything else (padding, other
// characters, a length no encoding has, stray bits in the last character).
std::string base64url(std::string_view bytes);
std::optional<std::string> from_base64url(std::string_view text);

}  // namespace rgw::crypto
