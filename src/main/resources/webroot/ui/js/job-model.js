// What the dashboard knows of one job, folded from its frames: descriptor (job.accepted / job.subscribed /
// a listing entry), events by kind, progress, budget, and the outcome with a chunked result reassembled (§8.4).

export const TERMINAL = new Set(['success', 'error', 'cancelled', 'timed_out']);

function decodeChunk(body) {
  if (body.encoding === 'base64') {
    const raw = atob(body.data ?? '');
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }
  return new TextEncoder().encode(body.data ?? '');
}

function currencyOf(pattern) {
  const colon = String(pattern).indexOf(':');
  return colon < 0 ? null : String(pattern).slice(0, colon);
}

export class JobModel {
  constructor(jobId) {
    this.jobId = jobId;
    this.agent = null;
    this.status = 'pending';
    this.principal = null;
    this.parentJobId = null;
    this.createdAt = null;
    this.endedAt = null;
    this.lease = null;
    this.constraints = null;
    this.budgetStart = {}; // currency -> initial amount
    this.budgetLeft = {}; // currency -> remaining, from cost.budget.remaining metrics
    this.events = []; // {seq, kind, ts, body, result?} in arrival order; tool results joined to their calls
    this.toolCalls = new Map(); // call_id -> event
    this.progress = null; // the latest progress body
    this.progressCount = 0;
    this.chunks = []; // Uint8Array pieces of the streamed result
    this.chunkEncoding = null;
    this.result = undefined; // the job.result payload
    this.error = null; // the terminal job.error payload
    this.cancelAcknowledged = false;
    this.children = new Set();
    this.subscribed = false; // this session receives the job's frames (submitted here or subscribed)
  }

  get live() {
    return !TERMINAL.has(this.status);
  }

  /** A descriptor: job.accepted or job.subscribed payload, or a session.jobs entry. */
  describe(payload) {
    this.agent = payload.agent ?? this.agent;
    if (payload.current_status || payload.status) {
      const status = payload.current_status ?? payload.status;
      if (!TERMINAL.has(this.status)) {
        this.status = status;
      }
    }
    this.principal = payload.principal ?? this.principal;
    this.parentJobId = payload.parent_job_id ?? this.parentJobId;
    this.createdAt = payload.created_at ?? payload.accepted_at ?? this.createdAt;
    if (payload.updated_at && TERMINAL.has(this.status)) {
      this.endedAt = payload.updated_at;
    }
    this.lease = payload.lease ?? this.lease;
    this.constraints = payload.lease_constraints ?? this.constraints;
    if (this.lease && this.lease['cost.budget']) {
      for (const pattern of this.lease['cost.budget']) {
        const currency = currencyOf(pattern);
        const amount = currency === null ? NaN : Number(String(pattern).slice(currency.length + 1));
        if (Number.isFinite(amount)) {
          this.budgetStart[currency] = amount; // the lease names the starting budget
        }
      }
    }
    // job.accepted carries the starting counters, job.subscribed the current ones (after its history replay)
    for (const [currency, amount] of Object.entries(payload.budget ?? {})) {
      this.budgetLeft[currency] = Number(amount);
      if (this.budgetStart[currency] === undefined) {
        this.budgetStart[currency] = Number(amount);
      }
    }
  }

  /** Folds one frame of this job; returns true when it changed what is shown. */
  apply(frame) {
    const payload = frame.payload ?? {};
    switch (frame.type) {
      case 'job.accepted':
      case 'job.subscribed':
        this.subscribed = true;
        this.describe(payload);
        return true;
      case 'job.event':
        this.event(frame.event_seq, payload);
        return true;
      case 'job.result':
        this.status = payload.final_status ?? 'success';
        this.result = payload;
        this.endedAt = payload.completed_at ?? new Date().toISOString();
        return true;
      case 'job.error':
        this.status = payload.final_status ?? (payload.code === 'CANCELLED' ? 'cancelled'
          : payload.code === 'TIMEOUT' ? 'timed_out' : 'error');
        this.error = payload;
        this.endedAt = payload.completed_at ?? new Date().toISOString();
        return true;
      case 'job.cancelled':
        this.cancelAcknowledged = true;
        return true;
      default:
        return false;
    }
  }

  event(seq, payload) {
    const kind = payload.kind;
    const body = payload.body ?? {};
    if (this.status === 'pending') {
      this.status = 'running';
    }
    switch (kind) {
      case 'progress':
        this.progress = body;
        this.progressCount += 1;
        return;
      case 'result_chunk':
        this.chunks.push(decodeChunk(body));
        this.chunkEncoding = body.encoding ?? 'utf8';
        return;
      case 'metric':
        if (body.name === 'cost.budget.remaining' && body.unit) {
          this.budgetLeft[body.unit] = Number(body.value);
        }
        break;
      case 'tool_result': {
        const call = this.toolCalls.get(body.call_id);
        if (call) {
          call.result = body;
          return;
        }
        break;
      }
      default:
        break;
    }
    const entry = { seq, kind, ts: payload.ts, body };
    if (kind === 'tool_call' && body.call_id) {
      this.toolCalls.set(body.call_id, entry);
    }
    if (kind === 'delegate') {
      this.toolCalls.set(body.delegate_id, entry); // its outcome arrives as a tool_result of that id (§10)
      if (body.child_job_id) {
        this.children.add(body.child_job_id);
      }
    }
    this.events.push(entry);
  }

  /** The streamed result as one byte array, or null when the result was inline or has not streamed. */
  assembledResult() {
    if (this.chunks.length === 0) {
      return null;
    }
    const size = this.chunks.reduce((total, piece) => total + piece.length, 0);
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const piece of this.chunks) {
      bytes.set(piece, offset);
      offset += piece.length;
    }
    return bytes;
  }
}
