-- Points lifecycle (docs/points.md): expiry that happens at the lot's time whether or not the job has run,
-- adjustments, account status, tiers by rule, and the program settings behind them.

ALTER TABLE programs
  ADD COLUMN points_validity     text,  -- ISO 8601 duration ("P12M") for lots without their own date; NULL: never
  ADD COLUMN expiry_rounding     text NOT NULL DEFAULT 'none' CHECK (expiry_rounding IN ('none', 'end_of_month', 'end_of_quarter')),
  ADD COLUMN expiry_notice_days  int NOT NULL DEFAULT 30 CHECK (expiry_notice_days BETWEEN 0 AND 365),
  -- [{"name": "silver", "min_points_12m": 10000}, ...]; empty: no tiers by rule
  ADD COLUMN tiers               jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN cors_origins        jsonb NOT NULL DEFAULT '[]',
  -- A rotated webhook secret keeps signing beside the new one until then.
  ADD COLUMN webhook_old_secret_sealed text,
  ADD COLUMN webhook_old_key_id  text,
  ADD COLUMN webhook_old_until   timestamptz,
  ADD COLUMN updated_at          timestamptz NOT NULL DEFAULT now();

-- The tier given by hand (at creation, or by PATCH) wins over the one the program's rule computes.
ALTER TABLE accounts RENAME COLUMN tier TO tier_override;
ALTER TABLE accounts
  ADD COLUMN tier_by_rule text,
  ADD COLUMN status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked'));

ALTER TABLE ledger_entries
  ADD COLUMN lot_id        bigint,       -- expiry: the lot whose points lapsed
  ADD COLUMN effective_at  timestamptz,  -- expiry: when they lapsed (the lot's expires_at), however late the entry was written
  ADD COLUMN api_key_id    text,         -- adjustment: the key that made it
  ADD CONSTRAINT ledger_entries_expiry_lot CHECK (kind <> 'expiry' OR (lot_id IS NOT NULL AND effective_at IS NOT NULL)),
  ADD CONSTRAINT ledger_entries_adjustment_reason CHECK (kind <> 'adjustment' OR reason IS NOT NULL);
-- Tiers by rule sum what was credited over the last 365 days.
CREATE INDEX ledger_entries_credited ON ledger_entries (account_id, created_at) WHERE kind IN ('credit', 'adjustment');
CREATE INDEX ledger_entries_expired ON ledger_entries (program_id, effective_at) WHERE kind = 'expiry';

ALTER TABLE point_lots ADD COLUMN notified_at timestamptz;  -- when points.expiring was queued for it
-- The expiry job's and the notices' scans: only lots that still hold points.
CREATE INDEX point_lots_due ON point_lots (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;
CREATE INDEX point_lots_notice ON point_lots (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL AND notified_at IS NULL;

-- Which lots a negative adjustment took points from (a redemption's are in redemption_lots), so the liability
-- at a past instant can be rebuilt lot by lot.
CREATE TABLE adjustment_lots (
  entry_seq  bigint NOT NULL REFERENCES ledger_entries (seq),
  lot_id     bigint NOT NULL REFERENCES point_lots (id),
  points     bigint NOT NULL CHECK (points > 0),
  PRIMARY KEY (entry_seq, lot_id)
);

-- Events about accounts and points carry no redemption.
ALTER TABLE webhook_events ALTER COLUMN redemption_id DROP NOT NULL;
ALTER TABLE webhook_events ADD COLUMN account_id text REFERENCES accounts (id);

-- Once-a-day passes (tier downgrades): one process runs each per period, whichever claims it first.
CREATE TABLE periodic_runs (
  name      text PRIMARY KEY,
  last_run  timestamptz NOT NULL
);

-- The points of an account's lots that lapsed but whose expiry entry is not written yet. accounts.balance is
-- the ledger's sum and still holds them; what may be spent is balance minus these. VOLATILE (the default), so
-- a caller that locked the account row first sees every lot as committed before the lock. PL/pgSQL, not SQL:
-- it keeps its plans across calls (an SQL function with a FROM is planned on every call; on the accept's hot path
-- that halved the throughput).
CREATE FUNCTION rgw_lapsed_points(account text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT coalesce(sum(remaining), 0)::bigint FROM point_lots
          WHERE account_id = account AND remaining > 0 AND expires_at <= now());
END $$;

-- Takes `wanted` points from an account's unexpired lots, soonest-expiring first, and says how many from which
-- lot. The caller locked the account row and checked that its spendable points cover `wanted`.
CREATE FUNCTION rgw_take_points(account text, wanted bigint) RETURNS TABLE (lot_id bigint, points bigint) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  WITH open AS (SELECT l.id, l.remaining, (sum(l.remaining) OVER (ORDER BY l.expires_at NULLS LAST, l.id))::bigint AS running
                FROM point_lots l
                WHERE l.account_id = account AND l.remaining > 0 AND (l.expires_at IS NULL OR l.expires_at > now())),
       take AS (SELECT open.id, least(open.remaining, wanted - (open.running - open.remaining)) AS amount
                FROM open WHERE open.running - open.remaining < wanted)
  UPDATE point_lots l SET remaining = l.remaining - take.amount FROM take WHERE l.id = take.id RETURNING l.id, take.amount;
END $$;

-- The tier a program's rule gives for `points` credited in 365 days: the highest threshold reached, or NULL.
CREATE FUNCTION rgw_rule_tier(tiers jsonb, points bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT t->>'name' FROM jsonb_array_elements(tiers) t
  WHERE (t->>'min_points_12m')::bigint <= points ORDER BY (t->>'min_points_12m')::bigint DESC LIMIT 1
$$;

-- Ids minted inside the database (a batch of expiry entries or events): prefix + UUID, as API.md allows.
CREATE FUNCTION rgw_new_id(prefix text) RETURNS text LANGUAGE sql AS $$
  SELECT prefix || '_' || replace(gen_random_uuid()::text, '-', '')
$$;
