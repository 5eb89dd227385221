-- Dispatch: leased jobs, a record of every provider call, rewards sealed at rest, reversals exactly once,
-- the webhook outbox and the reveal audit log.

ALTER TABLE redemptions
  ADD COLUMN failed_providers text[] NOT NULL DEFAULT '{}',  -- routes that refused this order for good
  ADD COLUMN provider_ref     text,                          -- the provider's own order id
  ADD COLUMN reward_sealed    text,                          -- base64 of AES-256-GCM nonce || ciphertext || tag, bound to the order id
  ADD COLUMN reward_key_id    text,                          -- which key sealed it (rotation)
  ADD COLUMN reward_masked    jsonb;                         -- what every response but reveal shows

-- A claim sets a fresh lease token and pushes due_at to the lease's end: if the worker dies the job is due again
-- then, and a stale worker's writes (which name its token) match nothing.
ALTER TABLE dispatch_jobs
  ADD COLUMN lease_token bigint,
  ADD COLUMN tries       int NOT NULL DEFAULT 0,  -- provider calls so far, for the backoff
  ADD COLUMN reason      text;                    -- why it waits (ops)
CREATE SEQUENCE dispatch_lease_tokens;

CREATE TABLE dispatch_attempts (
  id             bigserial PRIMARY KEY,
  redemption_id  text NOT NULL REFERENCES redemptions (id),
  provider       text NOT NULL,
  call           text NOT NULL CHECK (call IN ('issue', 'status')),
  worker         text NOT NULL,
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,  -- NULL with outcome NULL: the worker never came back (crash)
  outcome        text CHECK (outcome IN ('issued', 'pending', 'rejected', 'retryable', 'unknown')),
  latency_ms     int,
  error          text
);
CREATE INDEX dispatch_attempts_redemption ON dispatch_attempts (redemption_id, id);

-- Which point lots a redemption consumed, so a reversal puts the points back where they came from.
CREATE TABLE redemption_lots (
  redemption_id  text NOT NULL REFERENCES redemptions (id),
  lot_id         bigint NOT NULL REFERENCES point_lots (id),
  points         bigint NOT NULL CHECK (points > 0),
  PRIMARY KEY (redemption_id, lot_id)
);

-- The database itself refuses a second reversal of one redemption.
CREATE UNIQUE INDEX ledger_entries_one_reversal ON ledger_entries (redemption_id) WHERE kind = 'reversal';

ALTER TABLE programs
  ADD COLUMN webhook_url            text,
  ADD COLUMN webhook_secret_sealed  text,    -- the HMAC secret, sealed like rewards
  ADD COLUMN webhook_key_id         text;

CREATE TABLE webhook_events (
  seq            bigserial PRIMARY KEY,
  id             text NOT NULL UNIQUE,
  program_id     text NOT NULL REFERENCES programs (id),
  redemption_id  text NOT NULL REFERENCES redemptions (id),
  event          text NOT NULL,
  body           text NOT NULL,  -- signed and sent exactly as stored
  created_at     timestamptz NOT NULL DEFAULT now(),
  due_at         timestamptz NOT NULL DEFAULT now(),
  lease_token    bigint,
  tries          int NOT NULL DEFAULT 0,
  delivered_at   timestamptz
);
CREATE INDEX webhook_events_due ON webhook_events (due_at) WHERE delivered_at IS NULL;

CREATE TABLE webhook_deliveries (
  id          bigserial PRIMARY KEY,
  event_id    text NOT NULL REFERENCES webhook_events (id),
  at          timestamptz NOT NULL DEFAULT now(),
  status      int,   -- NULL when no HTTP answer came
  error       text,
  latency_ms  int
);

CREATE TABLE reveal_audit (
  id             bigserial PRIMARY KEY,
  program_id     text NOT NULL REFERENCES programs (id),
  redemption_id  text NOT NULL REFERENCES redemptions (id),
  api_key_id     text NOT NULL,
  request_id     text,
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER reveal_audit_append_only BEFORE UPDATE OR DELETE ON reveal_audit
  FOR EACH ROW EXECUTE FUNCTION rgw_refuse_change();
