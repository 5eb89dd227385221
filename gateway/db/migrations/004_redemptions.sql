-- Redemptions (orders) with the price and rates they were accepted at, and the dispatch queue. A 202 means the
-- debit, the order, its ledger entry and its dispatch job were committed together.
CREATE TABLE redemptions (
  seq                bigserial UNIQUE,
  id                 text PRIMARY KEY,
  program_id         text NOT NULL REFERENCES programs (id),
  account_id         text NOT NULL REFERENCES accounts (id),
  sku                text NOT NULL,
  status             text NOT NULL CHECK (status IN ('accepted', 'dispatching', 'issued', 'retrying', 'unknown', 'failed')),
  face_amount        numeric NOT NULL,
  face_currency      char(3) NOT NULL,
  points             bigint NOT NULL CHECK (points > 0),
  base_amount        numeric NOT NULL,
  base_currency      char(3) NOT NULL,
  mid_rate           numeric NOT NULL,
  applied_rate       numeric NOT NULL,
  markup_bps         int NOT NULL,
  tier_discount_bps  int NOT NULL,
  rates_source       text NOT NULL,
  rates_as_of        timestamptz NOT NULL,
  quote_id           text UNIQUE REFERENCES quotes (id),  -- a quote prices one redemption
  provider_key       text NOT NULL UNIQUE,                -- the idempotency key every provider attempt carries
  recipient          jsonb,
  provider           text,
  attempts           int NOT NULL DEFAULT 0,
  failure_code       text,
  failure_detail     text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  issued_at          timestamptz
);
CREATE INDEX redemptions_program ON redemptions (program_id, seq DESC);
CREATE INDEX redemptions_account ON redemptions (account_id, seq DESC);

CREATE TABLE dispatch_jobs (
  redemption_id  text PRIMARY KEY REFERENCES redemptions (id),
  due_at         timestamptz NOT NULL DEFAULT now(),
  lease_owner    text,
  lease_until    timestamptz
);
CREATE INDEX dispatch_jobs_due ON dispatch_jobs (due_at);
