#include "providers/adapters/service_credit.hpp"

#include "providers/adapters/http_common.hpp"

namespace rgw::providers {
namespace {

using nlohmann::json;
using namespace adapters;

std::string error_message(const json& error) { return text_field(error, "error").value_or(""); }

Result from_credit(const json& credit) {
  const auto state = text_field(credit, "state").value_or("");
  const auto id = text_field(credit, "id");
  if (state == "rejected") return rejected("billing rejected the credit", id.value_or(""));
  if (state == "pending") return pending("credit pending in billing", id.value_or(""));
  if (state != "applied" || !id) return unknown("unknown credit state '" + state.substr(0, 40) + "'");
  return issued(Reward{Secret(*id), std::nullopt, std::nullopt, std::nullopt, std::nullopt}, *id, std::nullopt);  // internal: no cost
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
    auto answer = co_await post_order(connection_, target_.at("/credits"), body.dump(), error_message, "credit");
    if (auto* result = std::get_if<Result>(&answer)) co_return std::move(*result);
    co_return from_credit(std::get<json>(answer));
  }

  boost::asio::awaitable<Result> status_at_provider(const IssueRequest& r) override {
    auto found = co_await first_listed(connection_, target_.at("/credits?idempotency_key=" + http::percent_encoded(r.idempotency_key)), "credits");
    if (auto* failed = std::get_if<Result>(&found)) co_return std::move(*failed);
    co_return from_credit(std::get<json>(found));
  }

  // Internal billing has no funding balance.
  boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() override { co_return std::nullopt; }
};

}  // namespace

std::unique_ptr<Provider> make_service_credit(const std::string& name, const ProviderOptions& o) {
  return std::make_unique<ServiceCreditProvider>(name, o.limits(), adapters::http_target(o));
}

}  // namespace rgw::providers
