#include "gateway/privacy/privacy.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/accounts/ledger.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/personal.hpp"
#include "gateway/redemptions/recipient.hpp"
#include "gateway/webhooks/outbox.hpp"

namespace rgw::privacy {
namespace {

const pg::Query lock_account{
    "privacy_lock_account",
    "SELECT a.status, rgw_ts(a.erased_at) AS erased_at, p.erasure_keeps_rewards FROM accounts a JOIN programs p ON p.id = a.program_id"
    " WHERE a.id = $1 AND a.program_id = $2 FOR UPDATE OF a"};

// The key goes, and with it every value sealed under it; the columns are emptied too, so nothing waits for a key
// that might be found again.
const pg::Query erase_account{
    "privacy_erase_account",
    "UPDATE accounts SET status = 'erased', erased_at = now(), data_key = NULL, name_sealed = NULL, name = NULL WHERE id = $1"
    " RETURNING rgw_ts(erased_at) AS erased_at"};

const pg::Query blank_account_orders{
    "privacy_blank_account_orders",
    "UPDATE redemptions SET recipient = NULL, recipient_sealed = NULL,"
    "  reward_sealed = CASE WHEN $2::boolean THEN reward_sealed END, reward_key_id = CASE WHEN $2::boolean THEN reward_key_id END"
    " WHERE account_id = $1 AND (recipient IS NOT NULL OR recipient_sealed IS NOT NULL OR (reward_sealed IS NOT NULL AND NOT $2::boolean))"};

// A thousand orders per statement, so a first run over a long history does not hold one huge transaction.
const pg::Query blank_expired_recipients{
    "privacy_blank_expired",
    "UPDATE redemptions r SET recipient = NULL, recipient_sealed = NULL"
    " FROM (SELECT r2.id FROM redemptions r2 JOIN programs p ON p.id = r2.program_id"
    "       WHERE p.personal_data_retention_days IS NOT NULL AND (r2.recipient_sealed IS NOT NULL OR r2.recipient IS NOT NULL)"
    "         AND r2.status IN ('issued', 'failed') AND r2.created_at < now() - make_interval(days => p.personal_data_retention_days)"
    "       LIMIT 1000 FOR UPDATE OF r2 SKIP LOCKED) due"
    " WHERE r.id = due.id RETURNING r.id"};

const pg::Query clear_names{
    "privacy_clear_names", "SELECT id, name, data_key FROM accounts WHERE name IS NOT NULL ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED"};
const pg::Query seal_name{
    "privacy_seal_name", "UPDATE accounts SET data_key = $2, name_sealed = $3, name = NULL WHERE id = $1"};

const pg::Query clear_recipients{
    "privacy_clear_recipients",
    "SELECT r.id, r.account_id, r.recipient::text AS recipient, a.data_key FROM redemptions r JOIN accounts a ON a.id = r.account_id"
    " WHERE r.recipient IS NOT NULL AND a.data_key IS NOT NULL ORDER BY r.id LIMIT 200 FOR UPDATE OF r SKIP LOCKED"};
const pg::Query seal_recipient_row{
    "privacy_seal_recipient", "UPDATE redemptions SET recipient_sealed = $2, recipient = NULL WHERE id = $1"};

const pg::Query keys_to_rewrap{
    "privacy_keys_to_rewrap",
    "SELECT id, data_key FROM accounts WHERE data_key IS NOT NULL AND NOT starts_with(data_key, $1 || ':')"
    " ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED"};
const pg::Query store_key{"privacy_store_key", "UPDATE accounts SET data_key = $2 WHERE id = $1"};

// One pass of `pick` (rows locked in a transaction), `change` turning each row into its update; the number changed.
template <class Change>
boost::asio::awaitable<std::int64_t> in_batches(pg::Pool& db, pg::Statement pick, Change change) {
  std::int64_t changed = 0;
  for (;;) {
    auto tx = co_await pg::Transaction::begin(db);
    const auto rows = co_await tx.exec(pick);
    std::vector<pg::Statement> updates;
    for (int i = 0; i < rows.size(); ++i)
      if (auto update = change(rows[i])) updates.push_back(std::move(*update));
    co_await tx.commit(updates);
    changed += static_cast<std::int64_t>(updates.size());
    if (updates.empty()) co_return changed;  // nothing left that this process may take
  }
}

}  // namespace

boost::asio::awaitable<std::optional<Erased>> erase(pg::Pool& db, const ProgramId& program, const AccountId& account, const audit::Entry& audit) {
  auto tx = co_await pg::Transaction::begin(db);
  const auto locked = co_await tx.exec(pg::statement(lock_account, account, program));
  if (locked.empty()) {
    co_await tx.rollback();
    co_return std::nullopt;
  }
  if (locked.front().text("status") == "erased") {
    const Erased before{std::string(locked.front().text("erased_at")), false};
    co_await tx.rollback();
    co_return before;
  }
  const bool keeps_rewards = locked.front().boolean("erasure_keeps_rewards");
  const auto erased = co_await tx.exec(pg::statement(erase_account, account));
  const Erased out{std::string(erased.front().text("erased_at")), true};
  const nlohmann::json data = {{"account_id", account.str()}, {"erased_at", out.erased_at}};
  const std::vector<webhooks::AccountEvent> events{{program.str(), account.str(), "account.erased", data}};
  std::vector<pg::Statement> rest;
  rest.push_back(pg::statement(blank_account_orders, account, keeps_rewards));
  rest.push_back(webhooks::enqueue(events));
  rest.push_back(audit::record(audit));
  co_await tx.commit(std::move(rest));
  co_return out;
}

boost::asio::awaitable<std::int64_t> apply_retention(pg::Pool& db) {
  std::int64_t blanked = 0;
  for (;;) {
    const auto rows = co_await db.exec(pg::statement(blank_expired_recipients));
    blanked += rows.size();
    if (rows.empty()) co_return blanked;
  }
}

boost::asio::awaitable<Resealed> reseal(pg::Pool& db, const crypto::Sealer& master) {
  Resealed out;
  out.names = co_await in_batches(db, pg::statement(clear_names), [&](const pg::Row& row) -> std::optional<pg::Statement> {
    const std::string id(row.text("id"));
    auto wrapped = row.optional_string("data_key");
    auto key = wrapped ? personal::AccountKey::unwrap(master, id, *wrapped) : [&] {
      auto made = personal::AccountKey::create(master, id);
      wrapped = made.second;
      return std::move(made.first);
    }();
    return pg::statement(seal_name, id, *wrapped, ledger::sealed_name(key, id, row.text("name")));
  });
  out.recipients = co_await in_batches(db, pg::statement(clear_recipients), [&](const pg::Row& row) -> std::optional<pg::Statement> {
    const std::string id(row.text("id"));
    const auto key = personal::AccountKey::unwrap(master, row.text("account_id"), row.text("data_key"));
    const RedemptionId order(id);
    return pg::statement(seal_recipient_row, id, redemptions::seal_recipient(key, order, redemptions::recipient_from_json(row.text("recipient"))));
  });
  out.keys = co_await in_batches(db, pg::statement(keys_to_rewrap, master.sealing_key_id()), [&](const pg::Row& row) -> std::optional<pg::Statement> {
    const std::string id(row.text("id"));
    const auto rewrapped = personal::AccountKey::rewrapped(master, id, row.text("data_key"));
    if (!rewrapped) return std::nullopt;
    return pg::statement(store_key, id, *rewrapped);
  });
  co_return out;
}

boost::asio::awaitable<void> run(std::shared_ptr<pg::Pool> db, std::shared_ptr<const crypto::Sealer> master, std::chrono::seconds retention_interval) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (bool resealed = false;;) {
    try {
      if (!resealed) {
        const auto done = co_await reseal(*db, *master);
        resealed = true;
        if (done.names + done.recipients + done.keys > 0)
          log::write(log::level::info, "personal data sealed and account keys re-wrapped",
                     {{"names", done.names}, {"recipients", done.recipients}, {"keys", done.keys}, {"master_key", master->sealing_key_id()}});
      }
      if (retention_interval.count() == 0) co_return;
      if (const auto blanked = co_await apply_retention(*db); blanked > 0)
        log::write(log::level::info, "personal data past its retention blanked", {{"orders", blanked}});
    } catch (const std::exception& e) {
      log::write(log::level::warn, "personal data pass failed; tried again later", {{"detail", e.what()}});
    }
    timer.expires_after(retention_interval.count() > 0 ? retention_interval : std::chrono::seconds(60));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace rgw::privacy
