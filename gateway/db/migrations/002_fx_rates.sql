-- Every rate set the gateway has fetched, so each order can name the exact rates it used, and so several
-- gateway processes share one fetch.
CREATE TABLE fx_rate_sets (
  id             bigserial PRIMARY KEY,
  source         text NOT NULL,
  base           char(3) NOT NULL,
  as_of          timestamptz NOT NULL,   -- the source's time for these rates
  fetched_at     timestamptz NOT NULL,   -- the last fetch that returned them
  business_days  boolean NOT NULL,       -- the source publishes on business days only
  rates          jsonb NOT NULL,         -- {"USD": "1.0565", ...}: decimal strings, exactly as published
  UNIQUE (source, as_of)
);
CREATE INDEX fx_rate_sets_newest ON fx_rate_sets (as_of DESC, fetched_at DESC);

-- How old a program accepts rates to be before pricing fails closed (business time for central-bank feeds).
ALTER TABLE programs ADD COLUMN fx_max_age_s int NOT NULL DEFAULT 172800 CHECK (fx_max_age_s > 0);
