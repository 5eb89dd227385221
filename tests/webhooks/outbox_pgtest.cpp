// The webhook outbox against the real schema: an event is queued in the caller's transaction only for a
// program with a webhook URL, with the body it will be signed and sent as; rolled back with the transaction.
#include "gateway/webhooks/outbox.hpp"
#include "gateway/core/digest.hpp"
#include "tests/support/schema.hpp"

namespace rgw::webhooks {
namespace {

const pg::Query set_url{"t_outbox_url", "UPDATE programs SET webhook_url = 'https://hooks.example.com/rgw' WHERE id = $1"};
const pg::Query events_of{"t_outbox_events", "SELECT event, body, delivered_at IS NULL AS pending FROM webhook_events WHERE redemption_id = $1"};
const pg::Query fail{"t_outbox_fail", "SELECT 1 / 0"};

class Outbox : public test::SchemaTest {};

TEST_F(Outbox, AnEventIsQueuedOnlyForAProgramWithAWebhookUrl) {
  const auto quiet = insert_order(100);
  exec(enqueue(program_id.str(), quiet.str(), "redemption.issued", {{"id", quiet.str()}}));
  EXPECT_EQ(exec(pg::statement(events_of, quiet)).size(), 0);

  exec(pg::statement(set_url, program_id));
  const auto order = insert_order(100);
  exec(enqueue(program_id.str(), order.str(), "redemption.failed", {{"id", order.str()}, {"status", "failed"}}));
  const auto events = exec(pg::statement(events_of, order));
  ASSERT_EQ(events.size(), 1);
  EXPECT_EQ(events.front().text("event"), "redemption.failed");
  EXPECT_TRUE(events.front().boolean("pending"));
  const auto body = nlohmann::json::parse(events.front().text("body"));
  EXPECT_EQ(body["type"], "redemption.failed");
  EXPECT_EQ(body["data"]["id"], order.str());
}

TEST_F(Outbox, AnEventRollsBackWithItsTransaction) {
  exec(pg::statement(set_url, program_id));
  const auto order = insert_order(100);
  EXPECT_TRUE(refusal_of({enqueue(program_id.str(), order.str(), "redemption.issued", {{"id", order.str()}}), pg::statement(fail)}));
  EXPECT_EQ(exec(pg::statement(events_of, order)).size(), 0) << "no event for a status change that did not commit";
}

TEST(WebhookSignature, IsHmacSha256OfTimestampAndBody) {
  // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
  EXPECT_EQ(signature({"secret"}, 1700000000, R"({"a":1})"), "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686");
  // During a rotation the new secret signs first, then the old one.
  EXPECT_EQ(signature({"secret", "old"}, 1700000000, R"({"a":1})"),
            "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686,v1=" +
                crypto::hmac_sha256_hex("old", R"(1700000000.{"a":1})"));
}

}  // namespace
}  // namespace rgw::webhooks
