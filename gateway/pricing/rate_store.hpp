#pragma once
// The rates in force in this process: swapped atomically, read without locks.
#include <atomic>
#include <memory>

#include "fx/rates.hpp"

namespace rgw::pricing {

class RateStore {
 public:
  // Null until the first set is installed.
  std::shared_ptr<const fx::RateTable> current() const { return table_.load(); }
  // Installs `set` if it is newer than the current one (later as_of, or same as_of fetched later) and its cross
  // rates can be worked out (fx::RateTable::build). Returns whether it did.
  bool install(fx::RateSet set);

 private:
  std::atomic<std::shared_ptr<const fx::RateTable>> table_;
};

}  // namespace rgw::pricing
