-- What a resume after a restart needs (issue 10): the session's principal scopes and features, and its numbered
-- frames, written before they are sent.
ALTER TABLE arcp_session ADD COLUMN scopes text[] NOT NULL DEFAULT '{}';
ALTER TABLE arcp_session ADD COLUMN features text[] NOT NULL DEFAULT '{}';
ALTER TABLE arcp_session ADD COLUMN delegated boolean NOT NULL DEFAULT false;

-- frames as sent; dropped once the client acknowledged them, and with their session
CREATE TABLE arcp_session_frame (
  session_id text COLLATE "C" NOT NULL,
  seq        bigint NOT NULL,
  frame      text NOT NULL,
  PRIMARY KEY (session_id, seq)
);

-- per session and job: how far into the job's log the session's frames went, the last seq they took, and whether
-- they ended the job; kept (unlike the frames) until the session goes, so that a resume after a restart knows
-- what is still missing and which seq comes next
CREATE TABLE arcp_session_job (
  session_id text COLLATE "C" NOT NULL,
  job_id     text COLLATE "C" NOT NULL,
  job_idx    bigint NOT NULL,
  last_seq   bigint NOT NULL,
  ended      boolean NOT NULL,
  PRIMARY KEY (session_id, job_id)
);

-- the jobs a session submitted
CREATE INDEX arcp_job_session ON arcp_job (session_id);
