-- Real providers (#16): what each order cost at its provider, as the provider reported it, in the currency it
-- charged (its funding account's) — NULL where it reports nothing (an internal billing API); and the pulled
-- reconciliations, one per program, provider and local day, claimed by one process at a time.
ALTER TABLE redemptions
  ADD COLUMN cost_amount   numeric,   -- what it took from our funds: its fee included, its discount taken off
  ADD COLUMN cost_currency char(3),
  ADD COLUMN cost_fee      numeric,
  ADD COLUMN cost_discount numeric;

CREATE TABLE pulled_reconciliations (
  program_id         text NOT NULL REFERENCES programs (id),
  provider           text NOT NULL,
  day                date NOT NULL,       -- the program's local business day
  worker             text NOT NULL,
  lease_until        timestamptz NOT NULL,
  reconciliation_id  text REFERENCES reconciliations (id),  -- set when done
  error              text,                -- the last failed attempt's reason
  PRIMARY KEY (program_id, provider, day)
);

-- Half-even rounding of an exact sum to `places` decimals (finance.md's rule; round() breaks ties away from zero).
CREATE FUNCTION rgw_round_half_even(x numeric, places int) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN abs(x * 10::numeric ^ places - trunc(x * 10::numeric ^ places)) = 0.5
              THEN round((trunc(x * 10::numeric ^ places) + CASE WHEN trunc(x * 10::numeric ^ places) % 2 = 0 THEN 0 ELSE sign(x) END)
                         / 10::numeric ^ places, places)
              ELSE round(x, places) END
$$;
