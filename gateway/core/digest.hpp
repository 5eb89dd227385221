#pragma once
// Hashing and randomness from OpenSSL.
#include <string>
#include <string_view>

namespace rgw::crypto {

std::string sha256_hex(std::string_view data);
// HMAC-SHA256 of `message` under `secret`, as lower-case hex (webhook signatures).
std::string hmac_sha256_hex(std::string_view secret, std::string_view message);
// Compares in time independent of where the inputs differ (for secrets and their hashes).
bool equal_constant_time(std::string_view a, std::string_view b);
// `bytes` random bytes as unpadded base64url.
std::string random_token(std::size_t bytes);

}  // namespace rgw::crypto
