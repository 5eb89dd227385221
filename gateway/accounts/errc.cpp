#include "gateway/accounts/errc.hpp"

namespace rgw::ledger {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "rgw.ledger"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::no_such_account: return "no such account";
      case errc::insufficient_points: return "the account's spendable points are fewer than that";
      case errc::account_blocked: return "the account is blocked";
      case errc::account_erased: return "the account's personal data was erased: it may not redeem or be credited";
    }
    return "unknown ledger error";
  }
};

}  // namespace

const boost::system::error_category& ledger_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace rgw::ledger
