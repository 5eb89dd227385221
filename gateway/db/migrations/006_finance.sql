-- Finance: payout reports read orders by the time they became final; reconciliations match provider statements
-- against orders by the provider's reference or ours, and are kept so finance can look at past ones.
CREATE INDEX redemptions_issued_at ON redemptions (program_id, issued_at) WHERE status = 'issued';
CREATE INDEX redemptions_failed_at ON redemptions (program_id, updated_at) WHERE status = 'failed';
CREATE INDEX redemptions_provider_ref ON redemptions (program_id, provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX ledger_reversals ON ledger_entries (program_id, created_at) WHERE kind = 'reversal';

CREATE TABLE reconciliations (
  seq             bigserial UNIQUE,
  id              text PRIMARY KEY,
  program_id      text NOT NULL REFERENCES programs (id),
  provider        text NOT NULL,
  period_from     timestamptz,               -- the statement's period: orders issued in [from, to) were expected
  period_to       timestamptz,
  statement_rows  int NOT NULL,
  matched         int NOT NULL,
  findings        jsonb NOT NULL,            -- {"missing_here": [...], "missing_there": [...], "mismatched": [...], "bad_rows": [...]}
  api_key_id      text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconciliations_program ON reconciliations (program_id, seq DESC);
