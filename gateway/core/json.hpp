#pragma once
// Small JSON helpers every module that writes JSON shares.
#include <nlohmann/json.hpp>
#include <optional>

namespace rgw {

// An optional field: the value, or JSON null.
template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace rgw
