-- A debit that leaves points in a lot can be a HOT update (the new row version on the same page, no new index
-- entries) only if no indexed column changes, and a column in a partial index's predicate counts. `remaining`
-- was in all three predicates (remaining > 0), so every debit wrote a new entry into each of point_lots' indexes
-- and left the old ones for vacuum: under steady redemptions an account's lot look-ups slowed through each
-- autovacuum interval (docs/performance.md). The predicates now read `unspent`, which changes only when a lot
-- runs out or is given back; each page keeps room for the new versions (fillfactor). The table is rewritten once.
ALTER TABLE point_lots SET (fillfactor = 70);
ALTER TABLE point_lots ADD COLUMN unspent boolean GENERATED ALWAYS AS (remaining > 0) STORED;
DROP INDEX point_lots_open, point_lots_due, point_lots_notice;
CREATE INDEX point_lots_open ON point_lots (account_id, expires_at NULLS LAST, id) WHERE unspent;
CREATE INDEX point_lots_due ON point_lots (expires_at) WHERE unspent AND expires_at IS NOT NULL;
CREATE INDEX point_lots_notice ON point_lots (expires_at) WHERE unspent AND expires_at IS NOT NULL AND notified_at IS NULL;

-- The functions that read open lots, as before but for `unspent` (which the planner needs to use the indexes).
CREATE OR REPLACE FUNCTION rgw_lapsed_points(account text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT coalesce(sum(remaining), 0)::bigint FROM point_lots
          WHERE account_id = account AND unspent AND expires_at <= now());
END $$;

-- Replacing a function resets its settings: the batch's planner settings (016) are given again.
CREATE OR REPLACE FUNCTION rgw_take_points_each(accounts text[], wanted bigint[]) RETURNS TABLE (n bigint, lot_id bigint, points bigint)
  LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  RETURN QUERY
  WITH w AS (SELECT * FROM unnest(accounts, wanted) WITH ORDINALITY AS w(account_id, amount, i)),
       open AS (SELECT w.i, w.amount, l.id, l.remaining,
                       (sum(l.remaining) OVER (PARTITION BY w.i ORDER BY l.expires_at NULLS LAST, l.id))::bigint AS running
                FROM w JOIN point_lots l ON l.account_id = w.account_id
                WHERE l.unspent AND (l.expires_at IS NULL OR l.expires_at > now())),
       take AS (SELECT open.i, open.id, least(open.remaining, open.amount - (open.running - open.remaining)) AS amount
                FROM open WHERE open.running - open.remaining < open.amount)
  UPDATE point_lots l SET remaining = l.remaining - take.amount FROM take WHERE l.id = take.id RETURNING take.i, l.id, take.amount;
END $$;
