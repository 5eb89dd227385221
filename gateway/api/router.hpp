#pragma once
// Maps (method, path) to a route; "{name}" segments capture one path segment each, in order.
#include <algorithm>
#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rgw::api {

template <class Route>
class Router {
 public:
  void add(boost::beast::http::verb method, std::string_view pattern, Route route) {
    const auto segments = split(pattern);
    entries_.push_back({method, std::vector<std::string>(segments.begin(), segments.end()), std::string(pattern), std::move(route)});
  }

  struct Match {
    const Route* route = nullptr;     // null: no route for this path and method
    std::string_view pattern;         // the route's pattern, e.g. "/v1/redemptions/{redemption_id}"
    bool path_known = false;          // the path exists with another method (405, not 404)
    std::vector<std::string> params;  // captured "{name}" segments, in order
  };

  // The methods a path is served with, for a 405's Allow (RFC 9110 15.5.6): "GET, HEAD, POST"; HEAD with GET.
  std::string allowed(std::string_view path) const {
    std::vector<std::string_view> names;
    on_path(path, [&](const Entry& e, std::vector<std::string>&) {
      names.push_back(boost::beast::http::to_string(e.method));
      if (e.method == boost::beast::http::verb::get) names.push_back("HEAD");
      return false;
    });
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string out;
    for (const auto name : names) out.append(out.empty() ? "" : ", ").append(name);
    return out;
  }

  // Every (method, pattern), in the order added.
  std::vector<std::pair<boost::beast::http::verb, std::string>> list() const {
    std::vector<std::pair<boost::beast::http::verb, std::string>> out;
    for (const auto& e : entries_) out.emplace_back(e.method, e.text);
    return out;
  }

  // HEAD is answered by the path's GET route (RFC 9110 9.3.2: the same answer; the server sends it without body).
  Match match(boost::beast::http::verb method, std::string_view path) const {
    using boost::beast::http::verb;
    Match m;
    on_path(path, [&](const Entry& e, std::vector<std::string>& params) {
      m.path_known = true;
      if (e.method != method && !(method == verb::head && e.method == verb::get)) return false;
      m.route = &e.route;
      m.pattern = e.text;
      m.params = std::move(params);
      return true;
    });
    return m;
  }

 private:
  struct Entry {
    boost::beast::http::verb method;
    std::vector<std::string> pattern;
    std::string text;
    Route route;
  };

  // Calls found(entry, its captured segments) for each entry whose pattern matches `path`, in the order added,
  // until it returns true.
  template <class Found>
  void on_path(std::string_view path, Found found) const {
    const auto segments = split(path);
    for (const auto& e : entries_) {
      if (e.pattern.size() != segments.size()) continue;  // most entries, rejected without a call
      std::vector<std::string> params;
      if (matches(e.pattern, segments, params) && found(e, params)) return;
    }
  }

  // Views into the path, which outlives the match: no copy of each segment per request.
  static std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    out.reserve(static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')));  // one allocation, not one per growth
    std::size_t start = 1;  // paths start with '/'
    while (start <= path.size()) {
      const auto end = path.find('/', start);
      out.emplace_back(path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    return out;
  }

  // `pattern` and `segments` are of one length (on_path).
  static bool matches(const std::vector<std::string>& pattern, const std::vector<std::string_view>& segments,
                      std::vector<std::string>& params) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i].starts_with('{')) {
        if (segments[i].empty()) return false;
        params.emplace_back(segments[i]);
      } else if (pattern[i] != segments[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Entry> entries_;
};

}  // namespace rgw::api
