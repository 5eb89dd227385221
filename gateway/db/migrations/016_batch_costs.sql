-- What a batch of accepts costs the database (docs/performance.md).

-- An accept writes its batch's orders with one statement; their first events now follow with one statement too
-- (a row trigger ran a plpgsql insert per order). Events keep the orders' own order.
CREATE FUNCTION rgw_redemptions_accepted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO redemption_events (redemption_id, status) SELECT id, status FROM accepted ORDER BY seq;
  RETURN NULL;
END $$;
DROP TRIGGER redemptions_accepted_event ON redemptions;
DROP FUNCTION rgw_redemption_accepted();
CREATE TRIGGER redemptions_accepted_events AFTER INSERT ON redemptions REFERENCING NEW TABLE AS accepted
  FOR EACH STATEMENT EXECUTE FUNCTION rgw_redemptions_accepted();

-- plpgsql keeps a plan per session for each query in the take, made under the settings of its first call: a
-- negative adjustment first would leave every later batch with the plans of a lone call (table scans allowed).
-- The take plans as a batch does (redemptions/store.cpp, batch_plans), whoever calls it.
ALTER FUNCTION rgw_take_points_each(text[], bigint[])
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
