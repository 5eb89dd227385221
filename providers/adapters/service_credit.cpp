#include "providers/adapters/service_credit.hpp"

#include "providers/adapters/http_common.hpp"

namespace rgw::providers {
namespace {

using nlohmann::json;
using namespace adapters;

Result from_credit(const json& credit) {
  const auto state = text_field(credit, "state").value_or("");
  const auto id = text_field(credit, "id");
  if (state == "rejected") return rejected("billing rejected the credit", id.value_or(""));
  if (state == "pending") return Result{Outcome::pending, std::nullopt, id.value_or(""), "credit pending in billing", std::nullopt};
  if (state != "applied" || !id) return unknown("unknown credit state '" + state.substr(0, 40) + "'");
  return Result{Outcome::issued, Reward{Secret(*id), std::nullopt, std::nullopt, std::nullopt, std::nullopt}, *id, "", std::nullopt};
}

class ServiceCreditProvider final : public HttpProvider {
 public:
  ServiceCreditProvider(std::string name, Limits limits, HttpTarget target) : HttpProvider(std::move(name), limits, std::move(target)) {}
  std::string_view kind() const override { return "service_credit"; }

 private:
  boost::asio::awaitable<Result> issue_at_provider(const IssueRequest& r) override {
    if (!r.recipient_email) co_return rejected("a service credit needs the recipient's e-mail (the service account)");
    const json body = {{"idempotency_key", r.idempotency_key},
                       {"service_account", *r.recipient_email},
                       {"plan", r.provider_sku},
                       {"amount", r.face.amount_string()},
                       {"currency", std::string(r.face.currency().code())}};
    co_return co_await place_order(connection_, target_.at("/credits"), body.dump(), "credit", from_credit);
  }

  boost::asio::awaitable<Result> status_at_provider(const IssueRequest& r) override {
    co_return co_await look_up(connection_, target_.at("/credits?idempotency_key=" + r.idempotency_key), "credits", from_credit);  // keys are URL-safe
  }

  // Internal billing has no funding balance.
  boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() override { co_return std::nullopt; }
};

}  // namespace

std::unique_ptr<Provider> make_service_credit(const std::string& name, const ProviderOptions& o) {
  return std::make_unique<ServiceCreditProvider>(name, o.limits(), adapters::http_target(o));
}

}  // namespace rgw::providers
