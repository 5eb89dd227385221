-- Programs (tenants), their API keys, accounts, the append-only points ledger with expiring lots,
-- and the generic idempotency store.

CREATE TABLE programs (
  id              text PRIMARY KEY,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  base_currency   char(3) NOT NULL,
  point_value     numeric NOT NULL CHECK (point_value > 0),
  timezone        text NOT NULL,
  fx_markup_bps   int NOT NULL DEFAULT 0 CHECK (fx_markup_bps BETWEEN 0 AND 10000),
  default_locale  text NOT NULL DEFAULT 'en',
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  program_id  text NOT NULL REFERENCES programs (id),
  role        text NOT NULL CHECK (role IN ('cabinet', 'finance', 'ops', 'admin')),
  key_hash    bytea NOT NULL UNIQUE,  -- SHA-256 of the secret; the secret itself is never stored
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE accounts (
  id            text PRIMARY KEY,
  program_id    text NOT NULL REFERENCES programs (id),
  external_ref  text NOT NULL,
  name          text NOT NULL,
  tier          text,
  -- Kept in the same transaction as every ledger entry; the database itself refuses a negative balance.
  balance       bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (program_id, external_ref)
);

CREATE TABLE ledger_entries (
  seq            bigserial PRIMARY KEY,  -- total order of entries, used for newest-first pagination
  id             text NOT NULL UNIQUE,
  program_id     text NOT NULL REFERENCES programs (id),
  account_id     text NOT NULL REFERENCES accounts (id),
  kind           text NOT NULL CHECK (kind IN ('credit', 'debit', 'reversal', 'expiry', 'adjustment')),
  points         bigint NOT NULL CHECK (points <> 0),
  balance_after  bigint NOT NULL CHECK (balance_after >= 0),
  reason         text,
  expires_at     timestamptz,  -- credits only: when the points of this credit lapse
  redemption_id  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind IN ('credit', 'reversal')) = (points > 0) OR kind = 'adjustment')
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, seq DESC);

CREATE FUNCTION rgw_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION rgw_refuse_change();

-- Points still available per credit; debits consume the soonest-expiring lots first, an expiry job zeroes lapsed ones.
CREATE TABLE point_lots (
  id          bigserial PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id),
  entry_seq   bigint NOT NULL REFERENCES ledger_entries (seq),
  points      bigint NOT NULL CHECK (points > 0),
  remaining   bigint NOT NULL CHECK (remaining BETWEEN 0 AND points),
  expires_at  timestamptz
);
CREATE INDEX point_lots_open ON point_lots (account_id, expires_at NULLS LAST, id) WHERE remaining > 0;

CREATE TABLE idempotency_keys (
  program_id       text NOT NULL REFERENCES programs (id),
  idem_key         text NOT NULL,
  fingerprint      text NOT NULL,  -- SHA-256 of method, path and canonical body
  response_status  int,
  response_body    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (program_id, idem_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Timestamps leave the database as RFC 3339 in UTC, the API's form.
CREATE FUNCTION rgw_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;
