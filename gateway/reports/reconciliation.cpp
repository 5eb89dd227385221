#include "gateway/reports/reconciliation.hpp"

#include <map>

#include "gateway/core/families.hpp"
#include "gateway/core/format.hpp"
#include "gateway/core/ids.hpp"

namespace rgw::reports {
namespace {

using nlohmann::json;

// Per statement line ($3 line numbers, $4 provider refs, $5 order ids): the order at provider $2 it names, if any.
const pg::Query match_lines{
    "reconcile_match_lines",
    "SELECT s.line, o.id, o.face_amount::text AS face_amount, o.face_currency, o.status, o.cost_amount::text AS cost_amount, o.cost_currency"
    " FROM unnest($3::int[], $4::text[], $5::text[]) AS s(line, provider_ref, order_id) LEFT JOIN LATERAL ("
    "     SELECT r.id, r.face_amount, r.face_currency, r.status, r.cost_amount, r.cost_currency FROM redemptions r"
    "     WHERE r.program_id = $1 AND r.provider = $2"
    "       AND ((s.provider_ref <> '' AND r.provider_ref = s.provider_ref) OR r.id = s.order_id OR r.provider_key = s.order_id)"
    "     ORDER BY r.seq LIMIT 1) o ON true"
    " ORDER BY s.line"};

// Our orders issued at provider $2 in [$3, $4) that are not among the named ones ($5).
const pg::Query unnamed_orders{
    "reconcile_unnamed_orders",
    "SELECT r.id, r.provider_ref, r.face_amount::text AS face_amount, r.face_currency, rgw_ts(r.issued_at) AS issued_at FROM redemptions r"
    " WHERE r.program_id = $1 AND r.provider = $2 AND r.status = 'issued' AND r.issued_at >= $3 AND r.issued_at < $4"
    "   AND NOT EXISTS (SELECT 1 FROM unnest($5::text[]) AS named(id) WHERE named.id = r.id)"
    " ORDER BY r.issued_at"};

// Lines are matched this many at a time: each statement stays well inside the query timeout (100,000 lines
// took about 2 s in one).
constexpr std::size_t lines_per_match = 20'000;

const pg::Query any_order_at{"reconcile_any_order_at",
                             "SELECT EXISTS (SELECT 1 FROM redemptions WHERE program_id = $1 AND provider = $2) AS found"};

const pg::Query insert_reconciliation{
    "reconcile_insert",
    "INSERT INTO reconciliations (id, program_id, provider, period_from, period_to, statement_rows, matched, findings, api_key_id)"
    " VALUES ($1, $2, $3, $4, $5, $6::int, $7::int, $8::jsonb, $9) RETURNING rgw_ts(created_at) AS created_at"};

#define RGW_RECONCILIATION_COLUMNS                                                                                     \
  "SELECT seq, id, provider, rgw_ts(period_from) AS period_from, rgw_ts(period_to) AS period_to, statement_rows, matched," \
  "       rgw_ts(created_at) AS created_at, findings::text AS findings FROM reconciliations "
const pg::Query select_reconciliation{"reconcile_select", RGW_RECONCILIATION_COLUMNS "WHERE program_id = $1 AND id = $2"};
const pg::Query list_reconciliation_rows{
    "reconcile_list", RGW_RECONCILIATION_COLUMNS
    "WHERE program_id = $1 AND ($2::text IS NULL OR provider = $2) AND ($3::bigint IS NULL OR seq < $3::bigint) ORDER BY seq DESC LIMIT $4::int"};
#undef RGW_RECONCILIATION_COLUMNS



// What the provider charged for the matched order, as it told us when it issued it.
std::optional<fx::Money> charged_here(const pg::Row& row) {
  const auto amount = row.optional_string("cost_amount"), currency = row.optional_string("cost_currency");
  if (!amount || !currency) return std::nullopt;
  return fx::Money::parse(*amount, *currency).value();
}

json period_json(const std::optional<std::string>& from, const std::optional<std::string>& to) {
  if (!from || !to) return nullptr;
  return {{"from", *from}, {"to", *to}};
}

}  // namespace

boost::asio::awaitable<bool> has_orders_at(pg::Pool& db, const std::string& program_id, const std::string& provider) {
  const auto found = co_await db.exec(pg::statement(any_order_at, program_id, provider));
  co_return found.front().boolean("found");
}

boost::asio::awaitable<json> reconcile(pg::Pool& db, const ReconcileRequest& request, const Statement& statement) {
  json missing_here = json::array(), missing_there = json::array(), mismatched = json::array(), bad_rows = json::array();
  std::map<std::string, int> first_line_of;  // our order id -> the first line that named it
  int matched = 0;
  for (std::size_t begin = 0; begin < statement.lines.size(); begin += lines_per_match) {
    const auto end = std::min(begin + lines_per_match, statement.lines.size());
    std::vector<std::string> numbers, refs, order_ids;
    for (auto i = begin; i < end; ++i) {
      numbers.push_back(std::to_string(i));  // the index into statement.lines
      refs.push_back(statement.lines[i].provider_ref);
      order_ids.push_back(statement.lines[i].order_id);
    }
    const auto rows = co_await db.exec(pg::statement(match_lines, request.program_id, request.provider, numbers, refs, order_ids));
    for (int i = 0; i < rows.size(); ++i) {
      const auto row = rows[i];
      const auto& line = statement.lines.at(static_cast<std::size_t>(row.int64("line")));
      const json there_amount = money_json(line.amount);
      const auto ours = row.optional_string("id");
      if (!ours) {
        missing_here.push_back({{"line", line.line}, {"provider_ref", line.provider_ref}, {"order_id", line.order_id}, {"amount", there_amount},
                                {"issued_at", rfc3339(line.issued_at)}});
        continue;
      }
      auto mismatch = [&](std::string field, json here, json there) {
        mismatched.push_back({{"line", line.line}, {"order_id", *ours}, {"provider_ref", line.provider_ref}, {"field", std::move(field)},
                              {"here", std::move(here)}, {"there", std::move(there)}});
      };
      const auto [seen, first] = first_line_of.emplace(*ours, line.line);
      const auto here = fx::Money::parse(row.text("face_amount"), row.text("face_currency")).value();
      if (!first) {
        mismatch("duplicate", seen->second, line.line);  // here: the line that named the order first
      } else if (row.text("status") != "issued") {
        mismatch("status", row.text("status"), "issued");
      } else if (here.currency() != line.amount.currency()) {
        mismatch("currency", here.currency().code(), line.amount.currency().code());
      } else if (here.amount() != line.amount.amount()) {
        mismatch("amount", money_json(here), there_amount);
      } else if (const auto cost = charged_here(row); line.charged && cost && *cost != *line.charged) {
        mismatch("charged", money_json(*cost), money_json(*line.charged));  // compared where both sides know it
      } else {
        ++matched;
      }
    }
  }

  std::optional<std::string> from, to;
  if (request.period) {
    from = rfc3339(request.period->from);
    to = rfc3339(request.period->to);
    std::vector<std::string> named;
    for (const auto& [id, line] : first_line_of) named.push_back(id);
    const auto unnamed = co_await db.exec(pg::statement(unnamed_orders, request.program_id, request.provider, from, to, named));
    for (int i = 0; i < unnamed.size(); ++i) {
      const auto r = unnamed[i];
      const auto provider_ref = r.optional_string("provider_ref");
      missing_there.push_back({{"order_id", r.text("id")},
                               {"provider_ref", provider_ref ? json(*provider_ref) : json(nullptr)},
                               {"amount", {{"amount", r.text("face_amount")}, {"currency", r.text("face_currency")}}},
                               {"issued_at", r.text("issued_at")}});
    }
  }
  for (const auto& bad : statement.bad_rows) bad_rows.push_back({{"line", bad.line}, {"error", bad.error}});
  const json findings = {{"missing_here", missing_here}, {"missing_there", missing_there}, {"mismatched", mismatched}, {"bad_rows", bad_rows}};

  const auto id = new_id("rec");
  const auto rows = static_cast<int>(statement.lines.size() + statement.bad_rows.size());
  const auto created = co_await db.exec(pg::statement(insert_reconciliation, id, request.program_id, request.provider, from, to, rows, matched,
                                                      findings.dump(), request.api_key_id));
  json out = {{"id", id}, {"provider", request.provider}, {"period", period_json(from, to)}, {"statement_rows", rows}, {"matched", matched}};
  out.update(findings);
  out["created_at"] = created.front().text("created_at");
  co_return out;
}

void count_findings(metrics::Registry& registry, const std::string& provider, const json& reconciliation) {
  for (const char* kind : finding_kinds)
    registry.counter(metrics::reconciliation_findings, {{"provider", provider}, {"kind", kind}}).add(reconciliation.at(kind).size());
}

boost::asio::awaitable<std::optional<json>> find_reconciliation(pg::Pool& db, const std::string& program_id, const std::string& id) {
  const auto found = co_await db.exec(pg::statement(select_reconciliation, program_id, id));
  if (found.empty()) co_return std::nullopt;
  const auto r = found.front();
  json out = {{"id", r.text("id")},
              {"provider", r.text("provider")},
              {"period", period_json(r.optional_string("period_from"), r.optional_string("period_to"))},
              {"statement_rows", r.int64("statement_rows")},
              {"matched", r.int64("matched")}};
  out.update(json::parse(r.text("findings")));
  out["created_at"] = r.text("created_at");
  co_return out;
}

boost::asio::awaitable<ReconciliationPage> list_reconciliations(pg::Pool& db, const std::string& program_id, const std::optional<std::string>& provider,
                                                                 std::optional<std::int64_t> before, int limit) {
  const auto rows = co_await db.exec(pg::statement(list_reconciliation_rows, program_id, provider, before, limit + 1));
  ReconciliationPage page;
  for (int i = 0; i < rows.size() && i < limit; ++i) {
    const auto r = rows[i];
    const auto findings = json::parse(r.text("findings"));
    json counts = json::object();
    for (const char* kind : finding_kinds) counts[kind] = findings.at(kind).size();
    page.items.push_back({{"id", r.text("id")},
                          {"provider", r.text("provider")},
                          {"period", period_json(r.optional_string("period_from"), r.optional_string("period_to"))},
                          {"statement_rows", r.int64("statement_rows")},
                          {"matched", r.int64("matched")},
                          {"findings", counts},
                          {"created_at", r.text("created_at")}});
  }
  if (rows.size() > limit) page.next_before = rows[limit - 1].int64("seq");
  co_return page;
}

}  // namespace rgw::reports
