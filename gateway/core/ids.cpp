#include "gateway/core/ids.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace rgw {
namespace {

// Bumped in a forked child, so that it discards the bytes it inherited (asking getpid() per id instead was one
// system call per request).
std::atomic<unsigned> forks{0};

// RAND_bytes drawn 4 KiB at a time: one call per id (one per request, for its request id) cost more than the
// rest of the id. The bytes are the same CSPRNG's; a forked child discards its parent's.
void random_bytes(unsigned char* out, std::size_t n) {
  static const int watching_forks = ::pthread_atfork(nullptr, nullptr, [] { forks.fetch_add(1, std::memory_order_relaxed); });
  (void)watching_forks;
  struct Pool {
    std::array<unsigned char, 4096> bytes;
    std::size_t used = 4096;
    unsigned generation = 0;
  };
  thread_local Pool pool;
  const auto generation = forks.load(std::memory_order_relaxed);
  if (pool.used + n > pool.bytes.size() || pool.generation != generation) {
    if (RAND_bytes(pool.bytes.data(), static_cast<int>(pool.bytes.size())) != 1) throw std::runtime_error("no randomness for an id");
    pool.used = 0;
    pool.generation = generation;
  }
  std::memcpy(out, pool.bytes.data() + pool.used, n);
  OPENSSL_cleanse(pool.bytes.data() + pool.used, n);  // given out once
  pool.used += n;
}

}  // namespace

std::string new_id(std::string_view prefix) {
  static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
  std::array<unsigned char, 16> bytes{};
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(ms) >> (8 * (5 - i)));
  random_bytes(bytes.data() + 6, 10);
  // 128 bits as 26 base32 characters, most significant first.
  __extension__ unsigned __int128 value = 0;
  for (unsigned char b : bytes) value = (value << 8) | b;
  std::string out(prefix);
  out += '_';
  char text[26];
  for (int i = 25; i >= 0; --i) {
    text[i] = alphabet[static_cast<unsigned>(value & 31)];
    value >>= 5;
  }
  out.append(text, 26);
  return out;
}

}  // namespace rgw
