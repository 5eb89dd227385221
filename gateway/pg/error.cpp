#include "gateway/pg/error.hpp"

namespace rgw::pg {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "rgw.sqlstate"; }
  std::string message(int ev) const override {
    switch (static_cast<sqlstate>(ev)) {
      case sqlstate::other: return "database error";
      case sqlstate::unique_violation: return "unique violation";
      case sqlstate::check_violation: return "check violation";
      case sqlstate::foreign_key_violation: return "foreign key violation";
      case sqlstate::not_null_violation: return "not null violation";
      case sqlstate::numeric_value_out_of_range: return "numeric value out of range";
      case sqlstate::invalid_text_representation: return "invalid text representation";
      case sqlstate::serialization_failure: return "serialization failure";
      case sqlstate::deadlock_detected: return "deadlock detected";
      case sqlstate::query_canceled: return "query canceled";
      case sqlstate::admin_shutdown: return "server shutting down";
      case sqlstate::connection_failure: return "connection failure";
      case sqlstate::pool_timeout: return "no database connection available in time";
    }
    return "database error";
  }
};

}  // namespace

const boost::system::error_category& sqlstate_category() noexcept {
  static const category instance;
  return instance;
}

sqlstate classify_sqlstate(std::string_view code) noexcept {
  if (code == "23505") return sqlstate::unique_violation;
  if (code == "23514") return sqlstate::check_violation;
  if (code == "23503") return sqlstate::foreign_key_violation;
  if (code == "23502") return sqlstate::not_null_violation;
  if (code == "22003") return sqlstate::numeric_value_out_of_range;
  if (code == "22P02") return sqlstate::invalid_text_representation;
  if (code == "40001") return sqlstate::serialization_failure;
  if (code == "40P01") return sqlstate::deadlock_detected;
  if (code == "57014") return sqlstate::query_canceled;
  if (code == "57P01" || code == "57P02" || code == "57P03") return sqlstate::admin_shutdown;
  if (code.starts_with("08")) return sqlstate::connection_failure;
  return sqlstate::other;
}

}  // namespace rgw::pg
