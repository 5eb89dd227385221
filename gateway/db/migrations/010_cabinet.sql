-- The cabinet in a browser (docs/cabinet.md): every status an order passes through, in order, for the event
-- stream GET /v1/redemptions/{id}/events (its `id:` is seq; a resumed stream sends what came after).

CREATE TABLE redemption_events (
  seq            bigserial PRIMARY KEY,
  redemption_id  text NOT NULL,  -- written only by the triggers below, from the order's own row: no foreign key to check
  status         text NOT NULL,
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redemption_events_redemption ON redemption_events (redemption_id, seq);

-- Orders accepted before this migration start their history at the status they have.
INSERT INTO redemption_events (redemption_id, status, at) SELECT id, status, updated_at FROM redemptions ORDER BY seq;

-- Triggers, so that no writer of a status (accept, dispatch, ops actions) can forget the history. A change
-- notifies once per transaction (identical payloads fold into one): listeners look up what changed for the
-- orders they follow. An accept does not notify: nobody can follow an order before it exists. Per order, seq
-- follows commit order: a status change holds the order's row lock.
CREATE FUNCTION rgw_redemption_accepted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO redemption_events (redemption_id, status) VALUES (NEW.id, NEW.status);
  RETURN NULL;
END $$;

CREATE FUNCTION rgw_redemption_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO redemption_events (redemption_id, status) VALUES (NEW.id, NEW.status);
  PERFORM pg_notify('rgw_redemption_events', '');
  RETURN NULL;
END $$;

CREATE TRIGGER redemptions_accepted_event AFTER INSERT ON redemptions
  FOR EACH ROW EXECUTE FUNCTION rgw_redemption_accepted();
CREATE TRIGGER redemptions_status_event AFTER UPDATE OF status ON redemptions
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION rgw_redemption_moved();
