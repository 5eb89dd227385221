#pragma once
// Rows of one statement's result, read by column name; values are text as PostgreSQL sent them.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;  // libpq's PGresult, kept out of every header above gateway/pg

namespace rgw::pg {

class Result;

class Row {
 public:
  bool is_null(std::string_view column) const;
  std::string_view text(std::string_view column) const;                 // throws on NULL
  std::optional<std::string_view> optional_text(std::string_view column) const;
  std::optional<std::string> optional_string(std::string_view column) const;  // an owning copy, for structs
  std::int64_t int64(std::string_view column) const;                   // throws on NULL or non-integer
  std::optional<std::int64_t> optional_int64(std::string_view column) const;
  bool boolean(std::string_view column) const;

 private:
  friend class Result;
  // Shares ownership: a Row stays valid after the Result it came from is gone.
  Row(std::shared_ptr<pg_result> r, int row) : result_(std::move(r)), row_(row) {}
  int column_index(std::string_view column) const;
  std::shared_ptr<pg_result> result_;
  int row_;
};

class Result {
 public:
  Result() = default;
  explicit Result(pg_result* r);

  int size() const noexcept;
  bool empty() const noexcept { return size() == 0; }
  Row operator[](int row) const;
  Row front() const { return (*this)[0]; }
  std::int64_t affected_rows() const;  // for INSERT/UPDATE/DELETE without RETURNING

 private:
  struct deleter {
    void operator()(pg_result* r) const noexcept;
  };
  std::shared_ptr<pg_result> result_;
};

}  // namespace rgw::pg
