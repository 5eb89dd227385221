#pragma once
// A database of a test's own, created empty and dropped at the end (or earlier, to take it away).
#include <string>

namespace rgw::test {

struct ScratchDatabase {
  ScratchDatabase();
  ~ScratchDatabase();
  void drop();

  std::string name;
  std::string url;  // the test cluster's URL with this database
};

}  // namespace rgw::test
