-- Personal data sealed at rest under a key per account (gateway/core/personal.hpp, docs/privacy.md).
-- data_key is the account's key wrapped by a master secrets key ("KEYID:BLOB"); erasure sets it NULL, and with it
-- everything sealed under it is unreadable for good. The clear columns stay only for rows written before this
-- version: the gateway seals them at start and empties them (accounts.name, redemptions.recipient).
ALTER TABLE accounts
  ADD COLUMN data_key     text,
  ADD COLUMN name_sealed  text,
  ADD COLUMN erased_at    timestamptz,
  ALTER COLUMN name DROP NOT NULL,
  DROP CONSTRAINT accounts_status_check,
  ADD CONSTRAINT accounts_status_check CHECK (status IN ('active', 'blocked', 'erased')),
  ADD CONSTRAINT accounts_erased CHECK ((status = 'erased') = (erased_at IS NOT NULL)),
  ADD CONSTRAINT accounts_erased_holds_nothing CHECK (status <> 'erased' OR (data_key IS NULL AND name_sealed IS NULL AND name IS NULL));

ALTER TABLE redemptions
  ADD COLUMN recipient_sealed text;  -- the recipient's JSON {"email", "name"}, sealed under the account's key

-- Retention: personal data of final orders older than this many days is blanked by a daily job (NULL: kept
-- while the account is). Erasure: whether an erased account's rewards not yet revealed stay revealable.
ALTER TABLE programs
  ADD COLUMN personal_data_retention_days int CHECK (personal_data_retention_days BETWEEN 1 AND 36500),
  ADD COLUMN erasure_keeps_rewards boolean NOT NULL DEFAULT false;

CREATE INDEX redemptions_personal ON redemptions (program_id, created_at) WHERE recipient_sealed IS NOT NULL OR recipient IS NOT NULL;
