-- Reveals join the one audit log: the rows of reveal_audit move to audit_log (action reward.reveal; the role of
-- those older rows was not recorded: 'cabinet', which every reveal key had), and the table goes.
INSERT INTO audit_log (at, program_id, action, key_id, role, target, reason, request_id, detail)
SELECT at, program_id, 'reward.reveal', api_key_id, 'cabinet', redemption_id, NULL, coalesce(request_id, ''),
       CASE WHEN client_request_id IS NULL THEN NULL ELSE jsonb_build_object('client_request_id', client_request_id) END
FROM reveal_audit ORDER BY id;
DROP TABLE reveal_audit;
CREATE INDEX audit_log_target ON audit_log (target);
