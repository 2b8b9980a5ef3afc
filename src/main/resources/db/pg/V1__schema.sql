-- The gateway's durable state (issue 10). Ids compare byte-wise (COLLATE "C") so that PostgreSQL orders job ids
-- as the gateway does; timestamps are microseconds, as the gateway writes them.

CREATE TABLE arcp_job (
  job_id            text COLLATE "C" PRIMARY KEY,
  principal         text NOT NULL,
  session_id        text,
  agent             text NOT NULL,
  status            text NOT NULL,
  lease             jsonb NOT NULL,
  lease_constraints jsonb,
  budget            jsonb,
  parent_job_id     text,
  trace_id          text,
  created_at        timestamptz NOT NULL,
  accepted          jsonb,
  updated_at        timestamptz NOT NULL,
  resume_token_hash text,
  -- the gateway process that runs the job and when it last said so: for the restart sweep and node loss
  owner             text,
  heartbeat_at      timestamptz
);
-- session.list_jobs: newest first per principal (keyset paging), and across principals for observers
CREATE INDEX arcp_job_principal_newest ON arcp_job (principal, created_at DESC, job_id DESC);
CREATE INDEX arcp_job_newest ON arcp_job (created_at DESC, job_id DESC);
-- the restart sweep and the owner's heartbeat
CREATE INDEX arcp_job_unfinished ON arcp_job (owner, created_at) WHERE status IN ('pending', 'running');
-- retention
CREATE INDEX arcp_job_ended ON arcp_job (updated_at) WHERE status NOT IN ('pending', 'running');

-- each job's log; frames are kept as the text they were sent as, never queried inside
CREATE TABLE arcp_event (
  job_id text COLLATE "C" NOT NULL,
  idx    bigint NOT NULL,
  frame  text NOT NULL,
  PRIMARY KEY (job_id, idx)
);

CREATE TABLE arcp_session (
  session_id        text PRIMARY KEY,
  principal         text NOT NULL,
  resume_token_hash text NOT NULL UNIQUE,
  created_at        timestamptz NOT NULL,
  expires_at        timestamptz
);

CREATE TABLE arcp_session_slot (
  principal  text NOT NULL,
  session_id text NOT NULL,
  PRIMARY KEY (principal, session_id)
);

CREATE TABLE arcp_idempotency (
  principal   text NOT NULL,
  key         text NOT NULL,
  fingerprint text,
  job_id      text NOT NULL,
  expires_at  timestamptz NOT NULL,
  accepted    jsonb,
  PRIMARY KEY (principal, key)
);

CREATE TABLE arcp_credential (
  credential_id text PRIMARY KEY,
  job_id        text NOT NULL,
  issued_at     timestamptz NOT NULL,
  revoked_at    timestamptz
);
CREATE INDEX arcp_credential_outstanding ON arcp_credential (issued_at) WHERE revoked_at IS NULL;
