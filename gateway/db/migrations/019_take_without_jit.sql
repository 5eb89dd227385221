-- The take plans as a batch does (016) but could still be compiled: with table scans off, a plan that needs one is
-- costed at 10^10, far over jit_above_cost, and a take called outside a batch (a negative adjustment, where JIT is
-- on) would compile it at every call — a tenth of a second each. None of its queries needs a scan today; this keeps
-- one added later from costing that. A batch's transaction has JIT off already (redemptions/store.cpp).
ALTER FUNCTION rgw_take_points_each(text[], bigint[]) SET jit = off;
