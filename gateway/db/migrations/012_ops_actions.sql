-- Ops actions: providers paused for every process, and the audit log every action is written to in its own
-- transaction.

-- A row while the provider is paused; every process reads the table at start and on NOTIFY rgw_providers.
CREATE TABLE provider_pauses (
  provider    text PRIMARY KEY,
  reason      text NOT NULL,
  paused_at   timestamptz NOT NULL DEFAULT now(),
  key_id      text NOT NULL
);

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  program_id  text REFERENCES programs (id),  -- the acting key's program; NULL for the bootstrap key
  action      text NOT NULL,                  -- provider.pause, redemption.cancel, key.create, ...
  key_id      text NOT NULL,
  role        text NOT NULL,
  target      text NOT NULL,                  -- what was acted on: a provider, a redemption, a key, an account
  reason      text,
  request_id  text NOT NULL,                  -- ours, as logged
  detail      jsonb
);
CREATE INDEX audit_log_program_at ON audit_log (program_id, at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION rgw_refuse_change();
