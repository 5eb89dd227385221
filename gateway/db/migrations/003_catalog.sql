-- Products per program (the validated canonical document), quotes that lock a price in points, and the
-- program settings pricing needs.
CREATE TABLE products (
  program_id  text NOT NULL REFERENCES programs (id),
  sku         text NOT NULL,
  document    jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (program_id, sku)
);

ALTER TABLE programs ADD COLUMN quote_ttl_s int NOT NULL DEFAULT 60 CHECK (quote_ttl_s BETWEEN 5 AND 3600);
-- Discount on points prices per account tier, in basis points: {"gold": 500}.
ALTER TABLE programs ADD COLUMN tier_discounts jsonb NOT NULL DEFAULT '{}';

CREATE TABLE quotes (
  id                 text PRIMARY KEY,
  program_id         text NOT NULL REFERENCES programs (id),
  account_id         text NOT NULL REFERENCES accounts (id),
  sku                text NOT NULL,
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
  expires_at         timestamptz NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quotes_account ON quotes (account_id, created_at DESC);
