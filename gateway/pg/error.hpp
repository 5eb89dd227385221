#pragma once
// PostgreSQL failures: SQLSTATE as an error category, so callers write `e.code() == sqlstate::unique_violation`.
#include <boost/system/system_error.hpp>
#include <string>
#include <string_view>

namespace rgw::pg {

enum class sqlstate {
  other = 1,
  unique_violation,             // 23505
  check_violation,              // 23514
  foreign_key_violation,        // 23503
  not_null_violation,           // 23502
  numeric_value_out_of_range,   // 22003
  invalid_text_representation,  // 22P02
  serialization_failure,        // 40001
  deadlock_detected,            // 40P01
  query_canceled,               // 57014: statement_timeout or our own cancel on a client-side timeout
  admin_shutdown,               // 57P01
  connection_failure,           // class 08, or the socket went away
  pool_timeout,                 // no connection became free in time (never sent by the server)
};

const boost::system::error_category& sqlstate_category() noexcept;
inline boost::system::error_code make_error_code(sqlstate e) noexcept { return {static_cast<int>(e), sqlstate_category()}; }
sqlstate classify_sqlstate(std::string_view code) noexcept;

// Thrown by every pg call. `unavailable()` is true when the database could not be reached or used at all,
// which the HTTP edge answers with 503 (nothing was committed).
class Error : public boost::system::system_error {
 public:
  Error(sqlstate code, std::string message, std::string raw_sqlstate = {})
      : system_error(make_error_code(code), message), raw_sqlstate_(std::move(raw_sqlstate)) {}
  const std::string& raw_sqlstate() const noexcept { return raw_sqlstate_; }
  bool unavailable() const noexcept {
    auto c = static_cast<sqlstate>(code().value());
    return c == sqlstate::connection_failure || c == sqlstate::admin_shutdown || c == sqlstate::pool_timeout;
  }

 private:
  std::string raw_sqlstate_;
};

}  // namespace rgw::pg

template <>
struct boost::system::is_error_code_enum<rgw::pg::sqlstate> : std::true_type {};
