#pragma once
// Named SQL with $n parameters, prepared once per connection; values travel as text parameters, never in the SQL.
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rgw::pg {

struct Query {
  const char* name;  // unique per statement text: the prepared statement's name on every connection
  const char* sql;
};

using Param = std::optional<std::string>;  // nullopt is SQL NULL

inline Param to_param(std::string_view v) { return std::string(v); }
inline Param to_param(const std::string& v) { return v; }
inline Param to_param(const char* v) { return std::string(v); }
inline Param to_param(bool v) { return std::string(v ? "t" : "f"); }
inline Param to_param(std::nullopt_t) { return std::nullopt; }
template <std::integral T>
  requires(!std::same_as<T, bool>)
Param to_param(T v) { return std::to_string(v); }
// No floating point in parameters: say how a fraction travels (decimal text, or integer units).
Param to_param(double) = delete;
// A typed id (rgw::Id) travels as its text.
template <class T>
  requires requires(const T& id) { { id.str() } -> std::convertible_to<const std::string&>; }
Param to_param(const T& id) { return id.str(); }
template <class T>
Param to_param(const std::optional<T>& v) { return v ? to_param(*v) : std::nullopt; }
// An array literal ("{...}") for a `$n::text[]` (or `::int[]`, `::timestamptz[]`) parameter; every element is
// quoted, so any text travels as it is; a nullopt element is NULL.
Param to_param(const std::vector<std::string>& items);
Param to_param(const std::vector<Param>& items);

struct Statement {
  const Query* query;
  std::vector<Param> params;
};

template <class... Args>
Statement statement(const Query& query, const Args&... args) {
  return Statement{&query, {to_param(args)...}};
}

}  // namespace rgw::pg
