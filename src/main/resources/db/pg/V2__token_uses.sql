-- single-use delegation tokens already used (§10), until they expire
CREATE TABLE arcp_token_use (
  token_id   text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX arcp_token_use_expiry ON arcp_token_use (expires_at);
