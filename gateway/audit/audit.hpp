#pragma once
// The audit log (docs/operations.md, "Audit"): one append-only table of who did what — ops actions, reveals, key
// creation and revocation, program changes, adjustments. A row is a statement, so it commits in the same
// transaction as the action it records: no action without its row, no row without its action.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gateway/pg/pool.hpp"
#include "gateway/pg/query.hpp"

namespace rgw::audit {

struct Entry {
  std::string action;  // "provider.pause", "redemption.cancel", "key.create", ...
  std::optional<std::string> program_id;  // the acting key's program; none for the bootstrap key
  std::string key_id, role;
  std::string target;  // what was acted on: a provider's name, a redemption's id, a key's id
  std::optional<std::string> reason;
  std::string request_id;  // ours, as logged
  nlohmann::json detail = nullptr;  // what else the action said (a resolve's outcome and reference)
};

pg::Statement record(const Entry& entry);

struct Filter {
  std::string program_id;
  std::optional<std::string> action;
  std::optional<std::string> from, to;  // RFC 3339: [from, to)
  std::optional<std::int64_t> before;   // a page's cursor: rows older than this id
  int limit = 50;
};
struct Page {
  nlohmann::json items;  // [{"id", "at", "action", "key_id", "role", "target", "reason", "request_id", "detail"}], newest first
  std::optional<std::int64_t> next_before;  // the cursor of the next page, when there is one
};
boost::asio::awaitable<Page> list(pg::Pool& db, const Filter& filter);

}  // namespace rgw::audit
