#pragma once
// Versioned schema migrations, applied in order, each in its own transaction, under an advisory lock so two
// processes starting at once apply each migration exactly once.
#include <boost/asio/awaitable.hpp>
#include <span>
#include <string>

namespace rgw::pg {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Returns how many migrations this call applied. Throws Error on failure (that migration is rolled back).
boost::asio::awaitable<int> migrate(const std::string& conninfo, std::span<const Migration> migrations);

}  // namespace rgw::pg
