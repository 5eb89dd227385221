#include "gateway/pg/result.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <stdexcept>
#include <string>

namespace rgw::pg {

void Result::deleter::operator()(pg_result* r) const noexcept { PQclear(r); }

Result::Result(pg_result* r) : result_(r, deleter{}) {}

int Result::size() const noexcept { return result_ ? PQntuples(result_.get()) : 0; }

Row Result::operator[](int row) const {
  if (row < 0 || row >= size()) throw std::out_of_range("pg result row " + std::to_string(row) + " out of range");
  return Row(result_, row);
}

std::int64_t Result::affected_rows() const {
  const char* n = result_ ? PQcmdTuples(result_.get()) : "";
  std::int64_t v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

int Row::column_index(std::string_view column) const {
  const std::string name(column);
  const int i = PQfnumber(result_.get(), name.c_str());
  if (i < 0) throw std::logic_error("pg result has no column " + name);
  return i;
}

bool Row::is_null(std::string_view column) const { return PQgetisnull(result_.get(), row_, column_index(column)); }

std::optional<std::string_view> Row::optional_text(std::string_view column) const {
  const int i = column_index(column);
  if (PQgetisnull(result_.get(), row_, i)) return std::nullopt;
  return std::string_view(PQgetvalue(result_.get(), row_, i), PQgetlength(result_.get(), row_, i));
}

std::optional<std::string> Row::optional_string(std::string_view column) const {
  auto v = optional_text(column);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

std::string_view Row::text(std::string_view column) const {
  auto v = optional_text(column);
  if (!v) throw std::logic_error("pg column " + std::string(column) + " is NULL");
  return *v;
}

std::optional<std::int64_t> Row::optional_int64(std::string_view column) const {
  auto v = optional_text(column);
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || end != v->data() + v->size()) throw std::logic_error("pg column " + std::string(column) + " is not an integer");
  return out;
}

std::int64_t Row::int64(std::string_view column) const {
  auto v = optional_int64(column);
  if (!v) throw std::logic_error("pg column " + std::string(column) + " is NULL");
  return *v;
}

bool Row::boolean(std::string_view column) const { return text(column) == "t"; }

}  // namespace rgw::pg
