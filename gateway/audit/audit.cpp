#include "gateway/audit/audit.hpp"

namespace rgw::audit {
namespace {

const pg::Query insert_entry{
    "audit_insert",
    "INSERT INTO audit_log (program_id, action, key_id, role, target, reason, request_id, detail)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)"};

const pg::Query select_entries{
    "audit_list",
    "SELECT id, rgw_ts(at) AS at, action, key_id, role, target, reason, request_id, detail::text AS detail FROM audit_log"
    " WHERE program_id = $1 AND ($2::text IS NULL OR action = $2) AND ($3::timestamptz IS NULL OR at >= $3::timestamptz)"
    "   AND ($4::timestamptz IS NULL OR at < $4::timestamptz) AND ($5::bigint IS NULL OR id < $5::bigint)"
    " ORDER BY id DESC LIMIT $6::int"};

}  // namespace

pg::Statement record(const Entry& e) {
  const std::optional<std::string> detail = e.detail.is_null() ? std::nullopt : std::optional(e.detail.dump());
  return pg::statement(insert_entry, e.program_id, e.action, e.key_id, e.role, e.target, e.reason, e.request_id, detail);
}

boost::asio::awaitable<Page> list(pg::Pool& db, const Filter& f) {
  // One row more than the page: whether there is a next page.
  const auto rows = co_await db.exec(pg::statement(select_entries, f.program_id, f.action, f.from, f.to, f.before, f.limit + 1));
  nlohmann::json items = nlohmann::json::array();
  for (int i = 0; i < rows.size() && i < f.limit; ++i) {
    const auto row = rows[i];
    const auto reason = row.optional_string("reason");
    const auto detail = row.optional_string("detail");
    items.push_back({{"id", row.int64("id")},
                     {"at", row.text("at")},
                     {"action", row.text("action")},
                     {"key_id", row.text("key_id")},
                     {"role", row.text("role")},
                     {"target", row.text("target")},
                     {"reason", reason ? nlohmann::json(*reason) : nlohmann::json(nullptr)},
                     {"request_id", row.text("request_id")},
                     {"detail", detail ? nlohmann::json::parse(*detail) : nlohmann::json(nullptr)}});
  }
  Page page{items, std::nullopt};
  if (rows.size() > f.limit) page.next_before = items.back()["id"].get<std::int64_t>();
  co_return page;
}

}  // namespace rgw::audit
