// One ARCP session over WebSocket (spec §4, §6): hello with a bearer token, pings answered, events acknowledged,
// and a dropped connection resumed with the resume token and the last event_seq handed out (§6.3), so listeners
// see every sequenced frame once and in order. Requests are matched to their answers by request id.

const FEATURES = ['heartbeat', 'ack', 'list_jobs', 'subscribe', 'lease_expires_at', 'cost.budget', 'progress',
  'result_chunk', 'agent_versions', 'x-vendor.arcpgateway.lifecycle'];
const ACK_EVERY_EVENTS = 100;
const ACK_EVERY_MS = 250;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;
const RESUME_ATTEMPTS = 12;

/** An ARCP error payload (code, message, retryable) as a JavaScript error. */
export class ArcpError extends Error {
  constructor(payload) {
    super(`${payload.code || 'ERROR'}: ${payload.message || ''}`);
    this.code = payload.code || 'ERROR';
    this.retryable = payload.retryable === true;
    this.details = payload.details;
  }
}

let counter = 0;
function messageId() {
  counter += 1;
  return `msg_ui${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

function envelope(type, payload, extra) {
  return { arcp: '1.1', id: messageId(), type, payload, ...extra };
}

/** The request id a refusal answers (session.error, or a job.error without event_seq), else null. */
function refusedRequest(frame) {
  if (frame.type === 'session.error') {
    return frame.payload?.details?.request_id ?? null;
  }
  if (frame.type === 'job.error' && frame.event_seq === undefined) {
    return frame.id;
  }
  return null;
}

/**
 * Events: `frame` (detail: a frame other than pings, each sequenced one once), `state` (detail: connecting, open,
 * reconnecting or lost) and `welcome` (detail: the welcome payload, after the first hello and each resume).
 */
export class ArcpSession extends EventTarget {
  constructor(url, token, clientName = 'arcp-gateway-dashboard') {
    super();
    this.url = url;
    this.token = token;
    this.clientName = clientName;
    this.state = 'connecting';
    this.sessionId = null;
    this.resumeToken = null;
    this.welcome = null;
    this.lastSeq = 0;
    this.ackedSeq = 0;
    this.ackTimer = null;
    this.ws = null;
    this.pending = new Map(); // request id -> {answer, resolve, reject}
    this.queued = []; // frames sent while the connection is down, sent once the session is back
    this.closing = false;
    this.lastHeard = Date.now();
    this.watchdog = null;
    this.outageUntil = 0;
  }

  /** Opens the session; resolves with the welcome payload, rejects with an ArcpError when refused. */
  open() {
    return this.handshake(envelope('session.hello', {
      client: { name: this.clientName, version: '1' },
      auth: { scheme: 'bearer', token: this.token },
      capabilities: { encodings: ['json'], features: FEATURES },
    }));
  }

  get features() {
    return this.welcome?.capabilities?.features ?? [];
  }

  get agents() {
    return this.welcome?.capabilities?.agents ?? [];
  }

  /** Sends a frame of this session; queued while reconnecting. Returns the frame's id. */
  send(type, payload, jobId) {
    const frame = envelope(type, payload, jobId ? { job_id: jobId } : {});
    if (this.state === 'open') {
      this.write(frame);
    } else {
      this.queued.push(frame);
    }
    return frame.id;
  }

  /**
   * Sends a request and resolves with the frame of type `answer` whose payload.request_id is its id (or, with
   * `answer` a function, the first frame it accepts); rejects with the ArcpError of a refusal.
   */
  request(type, payload, answer, jobId) {
    const id = this.send(type, payload, jobId);
    return new Promise((resolve, reject) => this.pending.set(id, { answer, resolve, reject }));
  }

  /** Ends the session (§6.7); jobs keep running. */
  close() {
    this.closing = true;
    if (this.state === 'open') {
      this.write(envelope('session.close', { reason: 'dashboard closed' }));
    }
    this.ws?.close(1000, 'dashboard closed');
    clearInterval(this.watchdog);
    this.setState('lost');
  }

  /**
   * Drops the connection as a network failure would; the session resumes after `outageMs` (an outage's length,
   * for the browser tests: what the gateway sends meanwhile arrives with the resume).
   */
  dropConnection(outageMs = 0) {
    this.outageUntil = Date.now() + outageMs;
    this.ws?.close(4000, 'dropped by the dashboard');
  }

  // ---- connection ------------------------------------------------------------------------------------------

  handshake(first) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      let phase = 'handshake'; // then 'welcomed' or 'refused'
      ws.onopen = () => ws.send(JSON.stringify(first));
      ws.onmessage = (message) => {
        if (ws !== this.ws) {
          return;
        }
        let frame;
        try {
          frame = JSON.parse(message.data);
        } catch {
          ws.close(1003, 'not JSON');
          return;
        }
        this.lastHeard = Date.now();
        if (phase === 'handshake') {
          if (frame.type === 'session.welcome') {
            phase = 'welcomed';
            this.welcomed(frame);
            resolve(frame.payload);
          } else if (frame.type === 'session.error' || frame.type === 'job.error') {
            phase = 'refused'; // the gateway closes this socket next
            reject(new ArcpError(frame.payload ?? {}));
          } else if (frame.type === 'session.ping') {
            this.pong(frame, ws);
          }
          return;
        }
        this.receive(frame);
      };
      ws.onclose = (event) => {
        if (ws !== this.ws) {
          return;
        }
        if (phase === 'handshake') {
          reject(new ArcpError({ code: 'UNAVAILABLE', message: event.reason || 'the connection closed before the welcome' }));
        } else if (phase === 'welcomed') {
          this.connectionLost();
        }
      };
    });
  }

  welcomed(frame) {
    this.welcome = frame.payload;
    this.sessionId = frame.session_id ?? frame.payload.session_id;
    this.resumeToken = frame.payload.resume_token;
    this.setState('open');
    this.watch(frame.payload.heartbeat_interval_sec);
    const waiting = this.queued;
    this.queued = [];
    waiting.forEach((queued) => this.write(queued));
    this.dispatchEvent(new CustomEvent('welcome', { detail: this.welcome }));
  }

  /** §6.4: two heartbeat intervals without a frame mean the connection is dead even if no close arrived. */
  watch(heartbeatSec) {
    clearInterval(this.watchdog);
    if (this.features.includes('heartbeat') && heartbeatSec > 0) {
      this.watchdog = setInterval(() => {
        if (this.state === 'open' && Date.now() - this.lastHeard > 2000 * heartbeatSec) {
          this.dropConnection();
        }
      }, 1000 * heartbeatSec);
    }
  }

  write(frame) {
    frame.session_id = this.sessionId;
    this.ws.send(JSON.stringify(frame));
  }

  async connectionLost() {
    if (this.closing || this.state !== 'open') {
      return;
    }
    this.setState('reconnecting');
    await new Promise((done) => setTimeout(done, Math.max(0, this.outageUntil - Date.now())));
    let wait = FIRST_RETRY_MS;
    for (let attempt = 1; attempt <= RESUME_ATTEMPTS && !this.closing; attempt += 1) {
      try {
        await this.handshake(envelope('session.resume', {
          session_id: this.sessionId, resume_token: this.resumeToken, last_event_seq: this.lastSeq,
        }));
        return;
      } catch (error) {
        if (error.code !== 'UNAVAILABLE') {
          this.lose(error);
          return;
        }
      }
      await new Promise((done) => setTimeout(done, wait));
      wait = Math.min(wait * 2, MAX_RETRY_MS);
    }
    this.lose(new ArcpError({ code: 'UNAVAILABLE', message: 'the gateway could not be reached again' }));
  }

  lose(error) {
    clearInterval(this.watchdog);
    this.setState('lost');
    this.pending.forEach((waiter) => waiter.reject(error));
    this.pending.clear();
    this.dispatchEvent(new CustomEvent('lost', { detail: error }));
  }

  setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.dispatchEvent(new CustomEvent('state', { detail: state }));
    }
  }

  // ---- frames ----------------------------------------------------------------------------------------------

  receive(frame) {
    if (frame.type === 'session.ping') {
      this.pong(frame, this.ws);
      return;
    }
    if (frame.event_seq !== undefined) {
      if (frame.event_seq <= this.lastSeq) {
        return; // replayed after a resume, already handed out
      }
      if (frame.event_seq > this.lastSeq + 1) {
        this.ws.close(4001, 'event_seq gap'); // resuming from lastSeq replays what was skipped
        return;
      }
      this.lastSeq = frame.event_seq;
      this.acknowledgeSoon();
    }
    this.answer(frame);
    this.dispatchEvent(new CustomEvent('frame', { detail: frame }));
  }

  answer(frame) {
    const refused = refusedRequest(frame);
    if (refused && this.pending.has(refused)) {
      this.pending.get(refused).reject(new ArcpError(frame.payload ?? {}));
      this.pending.delete(refused);
      return;
    }
    for (const [id, waiter] of this.pending) {
      const matches = typeof waiter.answer === 'function' ? waiter.answer(frame, id)
        : frame.type === waiter.answer && frame.payload?.request_id === id;
      if (matches) {
        this.pending.delete(id);
        waiter.resolve(frame);
        return;
      }
    }
  }

  pong(ping, ws) {
    ws.send(JSON.stringify(envelope('session.pong', {
      ping_nonce: ping.payload?.nonce, received_at: new Date().toISOString(),
    }, { session_id: this.sessionId })));
  }

  /** §6.5: every few dozen events or a quarter second, so that the gateway frees its resume buffer. */
  acknowledgeSoon() {
    if (!this.features.includes('ack')) {
      return;
    }
    if (this.lastSeq - this.ackedSeq >= ACK_EVERY_EVENTS) {
      this.acknowledge();
    } else if (this.ackTimer === null) {
      this.ackTimer = setTimeout(() => this.acknowledge(), ACK_EVERY_MS);
    }
  }

  acknowledge() {
    clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.state === 'open' && this.lastSeq > this.ackedSeq) {
      this.write(envelope('session.ack', { last_processed_seq: this.lastSeq }));
      this.ackedSeq = this.lastSeq;
    }
  }
}
