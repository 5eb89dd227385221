#include "gateway/programs/programs.hpp"

#include "gateway/ids.hpp"

namespace rgw::programs {
namespace {

const pg::Query insert_program{
    "programs_insert",
    "INSERT INTO programs (id, name, base_currency, point_value, timezone, fx_markup_bps, default_locale)"
    " VALUES ($1, $2, $3, $4::numeric, $5, $6::int, $7) RETURNING rgw_ts(created_at) AS created_at"};

const pg::Query program_exists{"programs_exists", "SELECT 1 FROM programs WHERE id = $1"};

}  // namespace

boost::asio::awaitable<Program> create(pg::Pool& db, Program p) {
  p.id = new_id("prg");
  auto rows = co_await db.exec(pg::statement(insert_program, p.id, p.name, p.base_currency.code(), p.point_value.to_string(),
                                             p.timezone, p.fx_markup_bps, p.default_locale));
  p.created_at = rows.front().text("created_at");
  co_return p;
}

boost::asio::awaitable<bool> exists(pg::Pool& db, const std::string& program_id) {
  auto rows = co_await db.exec(pg::statement(program_exists, program_id));
  co_return !rows.empty();
}

}  // namespace rgw::programs
