#include "providers/sim/form.hpp"

#include "gateway/net/url.hpp"

namespace rgw::sim {

std::map<std::string, std::string> form_fields(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto pair = text.substr(0, amp);
    const auto eq = pair.find('=');
    // The simulator is lenient: a bad escape is kept as it came.
    const auto decoded = [](std::string_view part) { return http::percent_decoded(part).value_or(std::string(part)); };
    if (eq != std::string_view::npos) out[decoded(pair.substr(0, eq))] = decoded(pair.substr(eq + 1));
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
  }
  return out;
}

std::map<std::string, std::string> query_of(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? std::map<std::string, std::string>{} : form_fields(target.substr(q + 1));
}

}  // namespace rgw::sim
