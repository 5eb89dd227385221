#include "fx/errc.hpp"

namespace rgw::fx {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "rgw.fx"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_number: return "not a plain decimal number";
      case errc::overflow: return "number out of range";
      case errc::division_by_zero: return "division by zero";
      case errc::too_precise: return "too many decimal places";
      case errc::unknown_currency: return "unknown currency";
      case errc::malformed_feed: return "malformed rate feed";
      case errc::no_rate: return "no rate for this currency";
      case errc::implausible_rates: return "implausible rates";
      case errc::rounds_to_zero: return "the amount converts to zero";
    }
    return "unknown fx error";
  }
};

}  // namespace

const boost::system::error_category& fx_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace rgw::fx
