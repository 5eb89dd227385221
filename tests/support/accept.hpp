#pragma once
// A batch's accept as AcceptBatcher sends it — its locks, then its statements — in one transaction, each request
// waiting for its account (nothing passed over), for the pg-level tests of what the statements write.
#include "gateway/redemptions/store.hpp"
#include <span>
#include <vector>

namespace rgw::test {

// `exec` runs statements in one transaction (SchemaTest::exec).
template <class Exec>
std::vector<redemptions::AcceptResult> accept_batch(Exec&& exec, const std::vector<const redemptions::AcceptWork*>& batch) {
  const std::vector<bool> waits(batch.size(), true);
  auto statements = redemptions::lock_statements(batch, waits);
  const auto locking = statements.size();
  for (auto& s : redemptions::accept_statements(batch)) statements.push_back(std::move(s));
  const std::vector<pg::Result> results = exec(std::move(statements));
  const std::span<const pg::Result> all(results);
  return redemptions::accept_results(all.subspan(locking), batch, redemptions::locks_from(all.first(locking), batch, waits));
}

}  // namespace rgw::test
