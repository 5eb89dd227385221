-- The reveal audit is keyed by our own request id (unique); the client's X-Request-Id is kept beside it, as sent.
ALTER TABLE reveal_audit ADD COLUMN client_request_id text;
