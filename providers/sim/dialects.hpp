#pragma once
// How each simulated provider API words orders, answers and errors (dialects.cpp), after the public docs of
// the real ones (docs/providers.md); the engine that keeps the orders and plays the faults is order_api.hpp.
//   tango       Tango Card RaaS v2      at /raas/v2/     (adapters/tango.hpp)
//   tremendous  Tremendous v2           at /api/v2/      (adapters/tremendous.hpp)
//   reloadly    Reloadly Gift Cards     at /reloadly/    (adapters/reloadly.hpp)
//   billing     an internal billing API at /billing/     (adapters/service_credit.hpp)
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "gateway/net/message.hpp"

namespace rgw::sim {

// Amounts in cents of the order's currency (the simulator trades in two-decimal currencies).
struct SimOrder {
  int n = 0;                // 1, 2, … in the order they were made: ids and codes derive from it
  std::string ref;          // our idempotency reference
  std::string sku, currency;
  long face = 0, fee = 0, discount = 0;
  long charged() const { return face - discount + fee; }
  std::chrono::sys_seconds created_at;
  nlohmann::json request;  // the body that made it
};

// How an order is shown: settled (complete), pending (only the answer that made it), or with a status the
// adapter does not know (the unknown_status fault).
enum class Shown { settled, pending, strange };

// What the engine keeps, as the dialects read it.
struct Book {
  const std::map<std::string, SimOrder>& orders;  // by reference
  long balance = 0;                               // cents of EUR
  std::size_t page_size = 100;                    // at most this many orders a page
  const std::set<std::string>& out_of_stock;      // catalog ids its catalog shows as out of stock
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string name() const = 0;    // its admin name: /admin/<name>
  virtual std::string prefix() const = 0;  // "/raas/v2/"
  virtual std::string orders_path() const { return prefix() + "orders"; }

  struct Wanted {
    std::string ref, sku, currency;
    long face = 0;
  };
  // What a POST to orders_path() asks for, or nullopt when it is malformed (the engine answers 400).
  virtual std::optional<Wanted> wanted(const nlohmann::json& body) const = 0;
  // The answer to the POST that made `order` (or replays it: `replay`).
  virtual http::Response created(const SimOrder& order, Shown shown, bool replay) const = 0;
  // The API's error body for `status` saying `message`.
  virtual http::Response error(http::Status status, const std::string& message) const = 0;
  // A GET under prefix(): a look-up, the order list, the balance, a reward's cards, the catalog; nullopt: no such path.
  virtual std::optional<http::Response> get(std::string_view path, const std::map<std::string, std::string>& query, const Book& book) const = 0;
};

std::unique_ptr<Dialect> make_dialect(const std::string& name);

// Helpers the dialects and the engine share: a JSON answer; cents as a decimal number or text, and read back from
// either (nullopt for anything that is not an amount with at most two decimals).
http::Response json_response(http::Status status, const nlohmann::json& body);
nlohmann::json cents_number(long cents);
std::string cents_text(long cents);
std::optional<long> cents_of(const nlohmann::json& amount);

}  // namespace rgw::sim
