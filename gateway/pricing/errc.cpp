#include "gateway/pricing/errc.hpp"

namespace rgw::pricing {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "rgw.pricing"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::no_rates: return "no exchange rates have been loaded yet";
      case errc::stale_rates: return "the exchange rates in force are older than the program allows";
      case errc::no_rate: return "the rate source quotes no rate for this currency";
      case errc::no_such_account: return "no such account";
      case errc::no_such_product: return "no such product";
      case errc::product_unavailable: return "the product is not available";
      case errc::denomination_invalid: return "the product does not offer this face value";
      case errc::rounds_to_zero: return "the amount is worth less than the smallest unit of the currency it converts to";
      case errc::too_large: return "the amount is too large to convert";
    }
    return "unknown pricing error";
  }
};

}  // namespace

const boost::system::error_category& pricing_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace rgw::pricing
