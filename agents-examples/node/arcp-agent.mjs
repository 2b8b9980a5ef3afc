// A tiny ARCP agent client for the gateway's agent bridge (docs/agent-protocol.md). Node.js 20, `node:net` only.
//
//   import { AgentProcess } from './arcp-agent.mjs';
//   const agent = await AgentProcess.connect({ port: 7070, token: 'agent-secret' });
//   await agent.announce('hello', '1.0.0', async (job) => {
//     await job.log('info', 'hello');
//     await job.authorize('fs.read', '/ws/a.txt');   // rejects with ArcpError when refused
//     return { ok: true };                           // the inline result (or stream job.chunk(...) first)
//   }, { maxConcurrent: 4 });
//
// Frames are a 4-byte big-endian length and a UTF-8 JSON object, both ways. The first frame carries the agent
// token; the process registers one random inbox, announces its agents (each announce is answered), then receives
// dispatch/cancel/pause/resume/delegate_result in the inbox and reports every job to arcp.job.<id>.

import net from 'node:net';
import { randomBytes } from 'node:crypto';

/** An ARCP error (§12): a refused request, or what a job fails with. */
export class ArcpError extends Error {
  constructor(code, message, retryable = false, details = undefined) {
    super(`${code}: ${message}`);
    this.code = code;
    this.reason = message;
    this.retryable = retryable;
    this.details = details;
  }

  payload() {
    const out = { code: this.code, message: this.reason, retryable: Boolean(this.retryable) };
    if (this.details !== undefined) out.details = this.details;
    return out;
  }

  static fromErrFrame(frame) {
    const text = frame.message ?? 'refused';
    try {
      const e = JSON.parse(text);
      if (e && typeof e === 'object' && e.code) return new ArcpError(e.code, e.message ?? '', e.retryable ?? false, e.details);
    } catch { /* not an ARCP error */ }
    return new ArcpError('INTERNAL_ERROR', text);
  }
}

/**
 * Reads a §15 extension as the gateway's Extensions.get does: an x-* key at the payload's top level wins, else
 * the key inside its `extensions` object; `fallback` when neither has it. Works on a dispatch, an event payload
 * or any frame payload. (Python: `get_extension`.)
 */
export function getExtension(payload, key, fallback = undefined) {
  if (payload === null || typeof payload !== 'object') {
    return fallback;
  }
  if (key.startsWith('x-') && Object.hasOwn(payload, key)) {
    return payload[key];
  }
  const extensions = payload.extensions;
  if (extensions !== null && typeof extensions === 'object' && Object.hasOwn(extensions, key)) {
    return extensions[key];
  }
  return fallback;
}

/** The job was cancelled (or otherwise ended by the gateway); nothing more may be sent for it. */
export class Cancelled extends Error {}

const SYNC_EVERY = 1024; // events between flow-control round trips

export class AgentProcess {
  /** Connects and authenticates (the first frame registers the inbox with the token). */
  static connect({ host = '127.0.0.1', port = 7070, token = process.env.ARCP_AGENT_TOKEN, requestTimeoutMs = 30000,
    log = (text) => console.error(text) } = {}) {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host, port }, () => {
        socket.off('error', reject);
        resolve(new AgentProcess(socket, token ?? '', requestTimeoutMs, log));
      });
      socket.once('error', reject);
    });
  }

  constructor(socket, token, requestTimeoutMs, log) {
    this.socket = socket;
    this.requestTimeoutMs = requestTimeoutMs;
    this.inbox = 'arcp.bridge.inbox.' + randomBytes(12).toString('hex');
    this.heartbeatSec = 5;
    this.log = log;
    this.handlers = new Map();
    this.jobs = new Map();
    this.pending = new Map(); // replyAddress -> {resolve, reject, jobId, timer}
    this.ids = 0;
    this.out = [];
    this.flushScheduled = false;
    this.lastErr = null;
    this.isClosed = false;
    this.closed = new Promise((resolve) => { this.onClosed = resolve; });
    this.inbuf = Buffer.alloc(0);
    socket.setNoDelay(true);
    socket.on('data', (data) => this.read(data));
    socket.on('close', () => this.shutdown('the gateway closed the connection'));
    socket.on('error', (e) => this.shutdown(`socket error: ${e.message}`));
    this.heartbeats = setInterval(() => this.heartbeat(), this.heartbeatSec * 1000);
    this.send({ type: 'register', address: this.inbox, headers: { authorization: 'Bearer ' + token } });
  }

  // ---- framing -------------------------------------------------------------------------------------------------

  /** Queues a frame; everything queued in one tick goes out in one write (cheap batching). */
  send(frame) {
    if (this.isClosed) return;
    const data = Buffer.from(JSON.stringify(frame), 'utf8');
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(data.length, 0);
    this.out.push(head, data);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush() {
    this.flushScheduled = false;
    if (this.isClosed || this.out.length === 0) return;
    const chunk = Buffer.concat(this.out);
    this.out = [];
    this.socket.write(chunk);
  }

  /** Resolves once the socket has room again (backpressure for busy senders). */
  writable() {
    if (!this.socket.writableNeedDrain || this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('drain', resolve));
  }

  read(data) {
    this.inbuf = this.inbuf.length === 0 ? data : Buffer.concat([this.inbuf, data]);
    let offset = 0;
    while (this.inbuf.length - offset >= 4) {
      const length = this.inbuf.readUInt32BE(offset);
      if (this.inbuf.length - offset - 4 < length) break;
      const body = this.inbuf.toString('utf8', offset + 4, offset + 4 + length);
      offset += 4 + length;
      let frame;
      try {
        frame = JSON.parse(body);
      } catch (e) {
        this.shutdown(`bad frame from the gateway: ${e.message}`);
        return;
      }
      this.onFrame(frame);
    }
    this.inbuf = offset === this.inbuf.length ? Buffer.alloc(0) : this.inbuf.subarray(offset);
  }

  shutdown(why) {
    if (this.isClosed) return;
    if (!this.socket.destroyed && this.socket.writable) this.flush(); // what was queued, e.g. a last result
    this.isClosed = true;
    this.log(`arcp: connection closed (${why})`);
    clearInterval(this.heartbeats);
    for (const [reply, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(this.lost());
      this.pending.delete(reply);
    }
    for (const job of this.jobs.values()) job.cancelledBy('connection to the gateway lost');
    this.socket.destroy();
    this.onClosed();
  }

  close() {
    this.shutdown('closed by the agent');
  }

  lost() {
    return new ArcpError('INTERNAL_ERROR', 'connection to the gateway lost'
      + (this.lastErr ? ` (the gateway said: ${this.lastErr})` : ''), true);
  }

  // ---- requests ------------------------------------------------------------------------------------------------

  /** Sends a request; resolves with the answer's body or rejects with the gateway's ArcpError. */
  request(address, body, { jobId = null, timeoutMs = this.requestTimeoutMs } = {}) {
    if (this.isClosed) return Promise.reject(this.lost());
    const reply = `r-${++this.ids}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reply);
        reject(new ArcpError('TIMEOUT', `no answer from the gateway to ${body.op} on ${address}`
          + (this.lastErr ? ` (last refusal: ${this.lastErr})` : ''), true));
      }, timeoutMs);
      this.pending.set(reply, { resolve, reject, jobId, timer });
      this.send({ type: 'send', address, replyAddress: reply, body });
    });
  }

  failPending(jobId, error) {
    for (const [reply, p] of this.pending) {
      if (p.jobId === jobId) {
        clearTimeout(p.timer);
        this.pending.delete(reply);
        p.reject(error);
      }
    }
  }

  // ---- announce and serve --------------------------------------------------------------------------------------

  /** Announces name@version (answered by the gateway); handler(job) runs each dispatched job. */
  async announce(name, version, handler, { maxConcurrent = 0, isDefault = true } = {}) {
    this.handlers.set(`${name}@${version}`, handler);
    const answer = await this.request('arcp.bridge.announce', {
      name, version, default: isDefault, max_concurrent: maxConcurrent, inbox: this.inbox,
    });
    const sec = Math.max(1, Math.floor(answer.heartbeat_sec ?? this.heartbeatSec));
    if (sec !== this.heartbeatSec) {
      this.heartbeatSec = sec;
      clearInterval(this.heartbeats);
      this.heartbeats = setInterval(() => this.heartbeat(), sec * 1000);
    }
    return answer;
  }

  onFrame(frame) {
    const { type, address } = frame;
    if (type === 'message' && address === this.inbox) {
      this.onInbox(frame.body ?? {});
    } else if ((type === 'message' || type === 'err') && address !== undefined) {
      const p = this.pending.get(address);
      if (!p) {
        this.log(`arcp: unexpected ${type} for ${address}: ${JSON.stringify(frame)}`);
        return;
      }
      this.pending.delete(address);
      clearTimeout(p.timer);
      if (type === 'message') p.resolve(frame.body);
      else p.reject(ArcpError.fromErrFrame(frame));
    } else if (type === 'err') {
      this.lastErr = frame.message;
      this.log(`arcp: the gateway refused a frame: ${frame.message}`);
    } else if (type !== 'pong') {
      this.log(`arcp: unexpected frame ${JSON.stringify(frame)}`);
    }
  }

  onInbox(body) {
    if (body.op === 'dispatch') {
      const job = new Job(this, body);
      this.jobs.set(job.id, job);
      this.log(`arcp: running ${job.id} (${job.agent})`);
      const handler = this.handlers.get(body.agent);
      if (!handler) {
        job.fail('AGENT_NOT_AVAILABLE', `this process does not serve ${body.agent}`);
        this.jobs.delete(job.id);
        return;
      }
      this.run(job, handler);
      return;
    }
    const job = this.jobs.get(body.job_id);
    if (!job) return;
    switch (body.op) {
      case 'cancel': job.cancelledBy(body.reason ?? 'cancelled'); break;
      case 'pause': job.pause(); break;
      case 'resume': job.resume(); break;
      case 'delegate_result': job.delegateResult(body); break;
      default: this.log(`arcp: unknown inbox op ${body.op}`);
    }
  }

  async run(job, handler) {
    try {
      const value = await handler(job);
      if (!job.finished) job.result(value);
    } catch (e) {
      if (e instanceof Cancelled || job.cancelled) {
        // the gateway already ended the job
      } else if (e instanceof ArcpError) {
        job.fail(e.code, e.reason, e.retryable, e.details);
      } else {
        job.fail('INTERNAL_ERROR', `${e?.name ?? 'Error'}: ${e?.message ?? e}`);
      }
    } finally {
      this.jobs.delete(job.id);
    }
  }

  heartbeat() {
    for (const job of this.jobs.values()) {
      if (!job.finished) job.sendOp('heartbeat');
    }
  }
}

/**
 * Serves this process's agents through one of several bridge addresses (the nodes of a gateway cluster) at a
 * time, and through another when that connection is lost (Python: `Failover`).
 *
 *   const agent = new Failover([{ host: '10.0.0.1', port: 7070 }, { host: '10.0.0.2', port: 7070 }], { token });
 *   await agent.announce('hello', '1.0.0', run, { maxConcurrent: 4 });
 *   await agent.serve();
 *
 * Each connection is an AgentProcess with an inbox of its own. When one is lost, the jobs it carried are abandoned
 * (their handlers see the job cancelled, what they send is dropped, their pending requests reject), and the next
 * address is tried first, then the others in turn, waiting 0.2 s, doubling to 2 s, between rounds; every agent
 * announced so far is announced again on the new connection. A gateway that refuses the login or an announce (a
 * bad token, a name the token may not serve) is not retried: serve() rejects with the ArcpError.
 */
export class Failover {
  static REFUSALS = ['UNAUTHENTICATED', 'PERMISSION_DENIED', 'INVALID_REQUEST'];

  constructor(bridges, { token = process.env.ARCP_AGENT_TOKEN, requestTimeoutMs = 30000,
    log = (text) => console.error(text) } = {}) {
    if (!bridges?.length) throw new Error('Failover needs at least one bridge address');
    this.bridges = bridges;
    this.token = token ?? '';
    this.requestTimeoutMs = requestTimeoutMs;
    this.log = log;
    this.agents = []; // [name, version, handler, options], announced on every connection
    this.process = null; // the connection in use now
    this.next = 0;
    this.stopped = false;
  }

  /** Remembers the agent for every connection; connects now if not connected yet. Resolves with the answer. */
  async announce(name, version, handler, options = {}) {
    this.agents.push([name, version, handler, options]);
    if (this.process && !this.process.isClosed) return this.process.announce(name, version, handler, options);
    return this.connectAny();
  }

  /** Serves until close(); rejects with the ArcpError if a gateway refuses this process for good. */
  async serve() {
    let delayMs = 200;
    while (!this.stopped) {
      if (this.process && !this.process.isClosed) {
        await this.process.closed;
        delayMs = 200;
        continue;
      }
      if ((await this.connectAny()) === null && !this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        delayMs = Math.min(2000, delayMs * 2);
      }
    }
  }

  close() {
    this.stopped = true;
    this.process?.close();
  }

  /** One round over the addresses, from the next one on: the last announce's answer, or null. */
  async connectAny() {
    for (let i = 0; i < this.bridges.length && !this.stopped; i++) {
      const { host, port } = this.bridges[this.next];
      this.next = (this.next + 1) % this.bridges.length;
      const answer = await this.connect(host, port);
      if (answer !== null) return answer;
    }
    return null;
  }

  async connect(host, port) {
    let agent;
    try {
      agent = await AgentProcess.connect({ host, port, token: this.token, requestTimeoutMs: this.requestTimeoutMs,
        log: this.log });
    } catch (e) {
      this.log(`arcp: bridge ${host}:${port} unreachable (${e.message})`);
      return null;
    }
    let answer = {};
    try {
      for (const [name, version, handler, options] of this.agents) {
        answer = await agent.announce(name, version, handler, options);
      }
    } catch (e) {
      agent.close();
      // refused outright, or the bridge turned the login away (an err frame before it closed: a bad token)
      if (Failover.REFUSALS.includes(e.code) || agent.lastErr !== null) {
        this.stopped = true;
        throw e;
      }
      this.log(`arcp: bridge ${host}:${port} did not take the agents (${e.message})`);
      return null;
    }
    this.process = agent;
    this.log(`arcp: serving through ${host}:${port}`);
    return answer;
  }
}

/** "HOST:PORT,HOST:PORT,..." as [{host, port}, ...]; throws naming a bad entry. */
export function parseBridges(text) {
  return text.split(',').map((part) => part.trim()).map((entry) => {
    const colon = entry.lastIndexOf(':');
    const port = Number(entry.slice(colon + 1));
    if (colon <= 0 || !/^[0-9]+$/.test(entry.slice(colon + 1)) || port <= 0 || port >= 65536) {
      throw new Error(`bridge addresses are HOST:PORT, got '${entry}'`);
    }
    return { host: entry.slice(0, colon), port };
  });
}

/** One dispatched job. */
export class Job {
  constructor(agent, dispatch) {
    this.process = agent;
    this.dispatch = dispatch;
    this.id = dispatch.job_id;
    this.token = dispatch.job_token;
    this.agent = dispatch.agent;
    this.input = dispatch.input;
    this.lease = dispatch.lease ?? {};
    this.leaseConstraints = dispatch.lease_constraints ?? {};
    this.budget = dispatch.budget;
    this.principal = dispatch.principal;
    this.traceId = dispatch.trace_id;
    this.address = 'arcp.job.' + this.id;
    this.cancelled = false;
    this.cancelReason = null;
    this.finished = false;
    this.paused = null; // {promise, resolve} while the client is not keeping up
    this.chunkSeq = 0;
    this.sinceSync = 0;
    this.sync = null;
    this.onCancel = [];
    this.delegates = new Map();
    this.delegateWaiters = new Map();
  }

  // ---- cancellation ----------------------------------------------------------------------------------------------

  /** Throws Cancelled when the job was cancelled; call it between units of work. */
  checkCancelled() {
    if (this.cancelled) throw new Cancelled(this.cancelReason);
  }

  /** Waits, rejecting early with Cancelled when the job is cancelled. */
  sleep(ms) {
    this.checkCancelled();
    return new Promise((resolve, reject) => {
      const wake = () => { clearTimeout(timer); reject(new Cancelled(this.cancelReason)); };
      const timer = setTimeout(() => { this.onCancel = this.onCancel.filter((f) => f !== wake); resolve(); }, ms);
      this.onCancel.push(wake);
    });
  }

  cancelledBy(reason) {
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelReason = reason;
    this.finished = true;
    this.resume();
    this.process.failPending(this.id, new ArcpError('CANCELLED', reason));
    for (const wake of this.onCancel.splice(0)) wake();
    for (const waiter of this.delegateWaiters.values()) waiter.reject(new Cancelled(reason));
    this.delegateWaiters.clear();
  }

  pause() {
    if (!this.paused) {
      let resolve;
      const promise = new Promise((r) => { resolve = r; });
      this.paused = { promise, resolve };
    }
  }

  resume() {
    if (this.paused) {
      this.paused.resolve();
      this.paused = null;
    }
  }

  // ---- sending ---------------------------------------------------------------------------------------------------

  sendOp(op, fields = {}) {
    if (this.finished && op !== 'result' && op !== 'fail') return;
    this.process.send({ type: 'send', address: this.address, body: { op, job_token: this.token, ...fields } });
  }

  requestOp(op, fields = {}, timeoutMs = undefined) {
    if (this.cancelled) return Promise.reject(new Cancelled(this.cancelReason));
    return this.process.request(this.address, { op, job_token: this.token, ...fields }, { jobId: this.id, timeoutMs });
  }

  /**
   * Emits a §8.2 event; `extensions` ({'x-vendor.key': value}) ride along. The promise resolves at once unless
   * the client is not keeping up (paused), the socket is full, or a flow-control window is due: await it.
   */
  async event(kind, body, extensions = undefined) {
    if (this.finished) return;
    if (this.paused) {
      await this.paused.promise;
      if (this.finished) return;
    }
    this.sendOp('event', extensions ? { kind, body, ...extensions } : { kind, body });
    if (++this.sinceSync >= SYNC_EVERY) await this.flowControl();
    else if (this.process.socket.writableNeedDrain) await this.process.writable();
  }

  /** At most two windows of events in flight: the gateway answers a heartbeat request after all sent before it. */
  async flowControl() {
    this.sinceSync = 0;
    const previous = this.sync;
    this.sync = null;
    if (previous) await previous;
    if (!this.finished) this.sync = this.requestOp('heartbeat').catch(() => {});
    await this.process.writable();
  }

  log(level, message, extensions) {
    return this.event('log', { level, message }, extensions);
  }

  progress(current, total, units, message) {
    const body = { current };
    if (total !== undefined) body.total = total;
    if (units !== undefined) body.units = units;
    if (message !== undefined) body.message = message;
    return this.event('progress', body);
  }

  metric(name, value, unit, dimensions) {
    const body = { name, value };
    if (unit !== undefined) body.unit = unit;
    if (dimensions !== undefined) body.dimensions = dimensions;
    return this.event('metric', body);
  }

  status(phase, message) {
    return this.event('status', message === undefined ? { phase } : { phase, message });
  }

  /** One result_chunk: a string goes as utf8, a Buffer/Uint8Array as base64. Finish with result() (no value). */
  chunk(data, more = true) {
    const body = typeof data === 'string'
      ? { chunk_seq: this.chunkSeq, data, encoding: 'utf8', more }
      : { chunk_seq: this.chunkSeq, data: Buffer.from(data).toString('base64'), encoding: 'base64', more };
    this.chunkSeq++;
    return this.event('result_chunk', body);
  }

  // ---- questions -------------------------------------------------------------------------------------------------

  /**
   * Asks before an authority-bearing operation (§9.3); rejects with ArcpError (PERMISSION_DENIED, LEASE_EXPIRED,
   * BUDGET_EXHAUSTED …) when the answer is no, with Cancelled when the job was cancelled.
   */
  async authorize(capability, resource, timeoutMs = undefined) {
    try {
      await this.requestOp('authorize', { capability, resource }, timeoutMs);
    } catch (e) {
      if (this.cancelled) throw new Cancelled(this.cancelReason);
      throw e;
    }
  }

  /** Starts a child job (§10); resolves {delegate_id, child_job_id}. waitDelegate() gives its outcome. */
  delegate(agent, input, leaseRequest = {}, leaseConstraints = {}) {
    const delegateId = 'del-' + randomBytes(8).toString('hex');
    return this.requestOp('delegate', {
      agent, input, lease_request: leaseRequest, lease_constraints: leaseConstraints, delegate_id: delegateId,
    });
  }

  /** The child's outcome: {type: 'job.result'|'job.error', payload, child_job_id}. */
  waitDelegate(delegateId) {
    if (this.delegates.has(delegateId)) {
      const outcome = this.delegates.get(delegateId);
      this.delegates.delete(delegateId);
      return Promise.resolve(outcome);
    }
    if (this.cancelled) return Promise.reject(new Cancelled(this.cancelReason));
    return new Promise((resolve, reject) => this.delegateWaiters.set(delegateId, { resolve, reject }));
  }

  delegateResult(body) {
    const outcome = { type: body.type, payload: body.payload, child_job_id: body.child_job_id };
    const waiter = this.delegateWaiters.get(body.delegate_id);
    if (waiter) {
      this.delegateWaiters.delete(body.delegate_id);
      waiter.resolve(outcome);
    } else {
      this.delegates.set(body.delegate_id, outcome);
    }
  }

  // ---- the end ---------------------------------------------------------------------------------------------------

  /** Ends the job successfully: value inline, or nothing after result chunks. */
  result(value = null, summary = undefined) {
    if (this.finished) return;
    this.finished = true;
    const fields = {};
    if (this.chunkSeq === 0) fields.result = value === undefined ? null : value;
    if (summary !== undefined) fields.summary = summary;
    this.sendOp('result', fields);
  }

  fail(code, message, retryable = false, details = undefined) {
    if (this.finished) return;
    this.finished = true;
    this.sendOp('fail', { error: new ArcpError(code, message, retryable, details).payload() });
  }
}

/** The command line every example shares: --host --port --bridge --token --name --version --max-concurrent. */
export function parseArgs(defaultName, argv = process.argv.slice(2)) {
  const args = { host: '127.0.0.1', port: 7070, bridge: process.env.ARCP_BRIDGE, token: process.env.ARCP_AGENT_TOKEN,
    name: defaultName, version: '1.0.0', maxConcurrent: 4 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) usage(defaultName, `${key} needs a value`);
    switch (key) {
      case '--host': args.host = value; break;
      case '--port': args.port = Number(value); break;
      case '--bridge': args.bridge = value; break;
      case '--token': args.token = value; break;
      case '--name': args.name = value; break;
      case '--version': args.version = value; break;
      case '--max-concurrent': args.maxConcurrent = Number(value); break;
      default: usage(defaultName, `unknown option ${key}`);
    }
  }
  if (!args.token) usage(defaultName, '--token (or ARCP_AGENT_TOKEN) is required');
  args.bridges = null;
  if (args.bridge) {
    try {
      args.bridges = parseBridges(args.bridge);
    } catch (e) {
      usage(defaultName, e.message);
    }
  }
  return args;
}

function usage(name, problem) {
  console.error(`${problem}\nusage: node ${name}.mjs --port 7070 --token TOKEN [--host H] [--name N] [--version V]`
    + ' [--max-concurrent N]\n   or: node ' + name + '.mjs --bridge HOST:PORT,HOST:PORT,... --token TOKEN [...]'
    + ' (fails over to the next address when the connection is lost; or ARCP_BRIDGE)');
  process.exit(2);
}

/**
 * Connects, announces `run` and serves. With --host/--port it ends (exit status 1) when the gateway goes away;
 * with --bridge it fails over to the next address instead, and ends only when refused.
 */
export async function main(run, defaultName) {
  const args = parseArgs(defaultName);
  if (args.bridges) {
    const agent = new Failover(args.bridges, { token: args.token });
    try {
      const answer = await agent.announce(args.name, args.version, run, { maxConcurrent: args.maxConcurrent });
      if (answer !== null) console.log(`announced ${answer.agent} as ${answer.provider}`);
      await agent.serve();
    } catch (e) {
      console.error(`announce refused: ${e.message}`);
      process.exit(2);
    }
    process.exit(1);
  }
  let agent;
  try {
    agent = await AgentProcess.connect({ host: args.host, port: args.port, token: args.token });
    const answer = await agent.announce(args.name, args.version, run, { maxConcurrent: args.maxConcurrent });
    console.log(`announced ${answer.agent} as ${answer.provider}`);
  } catch (e) {
    console.error(`announce refused: ${e.message}`);
    process.exit(2);
  }
  await agent.closed;
  process.exit(1);
}
