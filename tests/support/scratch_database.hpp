#pragma once
// A database of a test's own, created empty and dropped at the end (or earlier, to take it away).
#include <string>

#include "gateway/app/config.hpp"

namespace rgw::test {

struct ScratchDatabase {
  ScratchDatabase();
  ~ScratchDatabase();
  void drop();
  // Points a gateway configuration at this database.
  void configure(app::Config& config) const { config.database_url = config.db.conninfo = url; }

  std::string name;
  std::string url;  // the test cluster's URL with this database
};

}  // namespace rgw::test
