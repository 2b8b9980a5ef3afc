"""A tiny ARCP agent client for the gateway's agent bridge (docs/agent-protocol.md). Standard library only.

    import arcp_agent

    def run(job):                         # called on its own thread for every dispatched job
        job.log("info", "hello")
        job.authorize("fs.read", "/ws/a.txt")      # raises arcp_agent.ArcpError when refused
        job.progress(1, 1, "files")
        return {"ok": True}               # the inline result (or call job.chunk(...) first, then return None)

    agent = arcp_agent.AgentProcess(port=7070, token="s3cret-agent")
    agent.announce("hello", "1.0.0", run, max_concurrent=4)
    agent.serve_forever()

Frames are a 4-byte big-endian length and a UTF-8 JSON object, both ways. The first frame carries the agent
token; the process registers one random inbox, announces its agents (each announce is answered), then receives
`dispatch`/`cancel`/`pause`/`resume`/`delegate_result` in the inbox and reports every job to `arcp.job.<id>`.
"""

import base64
import itertools
import json
import os
import secrets
import socket
import struct
import sys
import threading
import time

__all__ = ["AgentProcess", "Failover", "Job", "ArcpError", "Cancelled", "get_extension", "parse_bridges"]

_LENGTH = struct.Struct(">I")


def get_extension(payload, key, default=None):
    """Reads a §15 extension as the gateway's Extensions.get does: an x-* key at the payload's top level wins,
    else the key inside its "extensions" object. Works on a dispatch, an event payload or any frame payload."""
    if not isinstance(payload, dict):
        return default
    if key.startswith("x-") and key in payload:
        return payload[key]
    extensions = payload.get("extensions")
    if isinstance(extensions, dict) and key in extensions:
        return extensions[key]
    return default


class ArcpError(Exception):
    """An ARCP error (§12): a refused request, or what a job fails with."""

    def __init__(self, code, message, retryable=False, details=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable
        self.details = details

    def payload(self):
        out = {"code": self.code, "message": self.message, "retryable": bool(self.retryable)}
        if self.details is not None:
            out["details"] = self.details
        return out

    @staticmethod
    def from_err_frame(frame):
        text = frame.get("message") or "refused"
        try:
            error = json.loads(text)
            if isinstance(error, dict) and "code" in error:
                return ArcpError(error["code"], error.get("message", ""), error.get("retryable", False),
                                 error.get("details"))
        except ValueError:
            pass
        return ArcpError("INTERNAL_ERROR", text)


class Cancelled(Exception):
    """The job was cancelled (or otherwise ended by the gateway); nothing more may be sent for it."""


class _Pending:
    __slots__ = ("done", "value", "error", "job_id", "reply")

    def __init__(self, job_id):
        self.done = threading.Event()
        self.value = None
        self.error = None
        self.job_id = job_id


class AgentProcess:
    """One connection to the agent bridge: authenticates, owns one inbox, runs dispatched jobs on threads."""

    def __init__(self, host="127.0.0.1", port=7070, token=None, request_timeout=30.0, log=None):
        self.host = host
        self.port = port
        self.token = token if token is not None else os.environ.get("ARCP_AGENT_TOKEN", "")
        self.request_timeout = request_timeout
        self.inbox = "arcp.bridge.inbox." + secrets.token_hex(12)
        self.heartbeat_sec = 5
        self._log = log or (lambda text: print(text, file=sys.stderr, flush=True))
        self._handlers = {}
        self._jobs = {}
        self._jobs_lock = threading.Lock()
        self._pending = {}
        self._pending_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._out = bytearray()
        self._out_cond = threading.Condition()
        self._closed = threading.Event()
        self._sock = None
        self._last_err = None
        self._heartbeats_started = False
        self._connect()

    # ---- connection ------------------------------------------------------------------------------------------

    def _connect(self):
        self._sock = socket.create_connection((self.host, self.port))
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = self._sock.makefile("rb", buffering=65536)
        threading.Thread(target=self._write_loop, name="arcp-writer", daemon=True).start()
        threading.Thread(target=self._read_loop, name="arcp-reader", daemon=True).start()
        # the first frame carries the credential; registering first means the inbox exists before any announce
        self._send({"type": "register", "address": self.inbox,
                    "headers": {"authorization": "Bearer " + self.token}})

    def _send(self, frame):
        """Queues one frame; the writer thread sends everything queued in one write (cheap batching)."""
        data = json.dumps(frame, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        with self._out_cond:
            while len(self._out) > (4 << 20) and not self._closed.is_set():
                self._out_cond.wait(0.5)  # the gateway is not reading fast enough: hold the sender back
            if self._closed.is_set():
                return
            self._out += _LENGTH.pack(len(data))
            self._out += data
            self._out_cond.notify_all()

    def _write_loop(self):
        try:
            while True:
                with self._out_cond:
                    while not self._out and not self._closed.is_set():
                        self._out_cond.wait()
                    if self._closed.is_set() and not self._out:
                        return
                    chunk = bytes(self._out)
                    self._out.clear()
                    self._out_cond.notify_all()
                self._sock.sendall(chunk)
        except OSError as e:
            self._shutdown(f"write failed: {e}")

    def _read_loop(self):
        try:
            while True:
                head = self._reader.read(4)
                if len(head) < 4:
                    break
                (length,) = _LENGTH.unpack(head)
                body = self._reader.read(length)
                if len(body) < length:
                    break
                self._on_frame(json.loads(body))
        except (OSError, ValueError) as e:
            self._shutdown(f"read failed: {e}")
            return
        self._shutdown("the gateway closed the connection")

    def _shutdown(self, why):
        if self._closed.is_set():
            return
        self._closed.set()
        self._log(f"arcp: connection closed ({why})")
        with self._out_cond:
            self._out_cond.notify_all()
        with self._pending_lock:
            pending, self._pending = self._pending, {}
        for p in pending.values():
            p.error = self._lost()
            p.done.set()
        with self._jobs_lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job._cancel("connection to the gateway lost")
        try:
            self._sock.close()
        except OSError:
            pass

    def close(self):
        self._shutdown("closed by the agent")

    @property
    def closed(self):
        return self._closed.is_set()

    # ---- requests --------------------------------------------------------------------------------------------

    def _request(self, address, body, timeout=None, job=None):
        """Sends a request and waits for its answer; raises ArcpError with the gateway's refusal."""
        return self._wait(self._request_async(address, body, job), body, address, timeout)

    def _request_async(self, address, body, job=None):
        reply = f"r-{next(self._ids)}"
        pending = _Pending(job.id if job else None)
        pending.reply = reply
        with self._pending_lock:
            if self._closed.is_set():
                raise self._lost()
            self._pending[reply] = pending
        self._send({"type": "send", "address": address, "replyAddress": reply, "body": body})
        return pending

    def _wait(self, pending, body, address, timeout=None):
        if not pending.done.wait(timeout if timeout is not None else self.request_timeout):
            with self._pending_lock:
                self._pending.pop(pending.reply, None)
            raise ArcpError("TIMEOUT", f"no answer from the gateway to {body.get('op')} on {address}"
                            + (f" (last refusal: {self._last_err})" if self._last_err else ""), True)
        if pending.error is not None:
            raise pending.error
        return pending.value

    def _lost(self):
        why = "connection to the gateway lost"
        if self._last_err:
            why += f" (the gateway said: {self._last_err})"
        return ArcpError("INTERNAL_ERROR", why, True)

    def _fail_pending(self, job_id, error):
        with self._pending_lock:
            mine = [k for k, p in self._pending.items() if p.job_id == job_id]
            taken = [self._pending.pop(k) for k in mine]
        for p in taken:
            p.error = error
            p.done.set()

    # ---- announce and serve ----------------------------------------------------------------------------------

    def announce(self, name, version, handler, max_concurrent=0, default=True):
        """Announces name@version (answered by the gateway) and runs handler(job) for each dispatched job."""
        self._handlers[f"{name}@{version}"] = handler
        answer = self._request("arcp.bridge.announce", {
            "name": name, "version": version, "default": default, "max_concurrent": max_concurrent,
            "inbox": self.inbox})
        self.heartbeat_sec = max(1, int(answer.get("heartbeat_sec", self.heartbeat_sec)))
        if not self._heartbeats_started:
            self._heartbeats_started = True  # at the interval the gateway asked for, from the first announce on
            threading.Thread(target=self._heartbeat_loop, name="arcp-heartbeat", daemon=True).start()
        return answer

    def serve_forever(self):
        """Blocks until the connection ends; returns False (the gateway went away)."""
        self._closed.wait()
        return False

    def _on_frame(self, frame):
        kind = frame.get("type")
        address = frame.get("address")
        if kind == "message" and address == self.inbox:
            self._on_inbox(frame.get("body") or {})
        elif kind in ("message", "err") and address is not None:
            with self._pending_lock:
                pending = self._pending.pop(address, None)
            if pending is None:
                self._log(f"arcp: unexpected {kind} for {address}: {frame}")
                return
            if kind == "message":
                pending.value = frame.get("body")
            else:
                pending.error = ArcpError.from_err_frame(frame)
            pending.done.set()
        elif kind == "err":
            self._last_err = frame.get("message")
            self._log(f"arcp: the gateway refused a frame: {frame.get('message')}")
        elif kind == "pong":
            pass
        else:
            self._log(f"arcp: unexpected frame {frame}")

    def _on_inbox(self, body):
        op = body.get("op")
        job_id = body.get("job_id")
        if op == "dispatch":
            handler = self._handlers.get(body.get("agent"))
            job = Job(self, body)
            with self._jobs_lock:
                self._jobs[job.id] = job
            self._log(f"arcp: running {job.id} ({job.agent})")
            if handler is None:
                job.fail("AGENT_NOT_AVAILABLE", f"this process does not serve {body.get('agent')}")
                return
            threading.Thread(target=self._run, args=(job, handler), name=f"job-{job.id}", daemon=True).start()
            return
        with self._jobs_lock:
            job = self._jobs.get(job_id)
        if job is None:
            return
        if op == "cancel":
            job._cancel(body.get("reason") or "cancelled")
        elif op == "pause":
            job._resumed.clear()
        elif op == "resume":
            job._resumed.set()
        elif op == "delegate_result":
            job._delegate_result(body)

    def _run(self, job, handler):
        try:
            value = handler(job)
            if not job.finished:
                job.result(value)
        except Cancelled:
            pass
        except ArcpError as e:
            if not job.finished:
                job.fail(e.code, e.message, e.retryable, e.details)
        except Exception as e:  # noqa: BLE001 - an agent bug fails the job, not the process
            if not job.finished:
                job.fail("INTERNAL_ERROR", f"{type(e).__name__}: {e}")
        finally:
            self._forget(job)

    def _forget(self, job):
        with self._jobs_lock:
            self._jobs.pop(job.id, None)

    def _heartbeat_loop(self):
        while not self._closed.wait(self.heartbeat_sec):
            with self._jobs_lock:
                jobs = list(self._jobs.values())
            for job in jobs:
                if not job.finished:
                    job._send_op("heartbeat")


class Failover:
    """Serves this process's agents through one of several bridge addresses (the nodes of a gateway cluster) at
    a time, and through another when that connection is lost.

        agent = arcp_agent.Failover([("10.0.0.1", 7070), ("10.0.0.2", 7070)], token="s3cret-agent")
        agent.announce("hello", "1.0.0", run, max_concurrent=4)
        agent.serve_forever()

    Each connection is an AgentProcess with an inbox of its own. When one is lost, the jobs it carried are
    abandoned (their handlers see the job cancelled, what they send is dropped, their pending requests fail), and
    the next address is tried first, then the others in turn, waiting 0.2 s, doubling to 2 s, between rounds;
    every agent announced so far is announced again on the new connection. A gateway that refuses the login or
    an announce (a bad token, a name the token may not serve) is not retried: serve_forever raises the ArcpError.
    """

    REFUSALS = ("UNAUTHENTICATED", "PERMISSION_DENIED", "INVALID_REQUEST")

    def __init__(self, bridges, token=None, request_timeout=30.0, log=None):
        if not bridges:
            raise ValueError("Failover needs at least one bridge address")
        self.bridges = list(bridges)
        self.token = token if token is not None else os.environ.get("ARCP_AGENT_TOKEN", "")
        self.request_timeout = request_timeout
        self._log = log or (lambda text: print(text, file=sys.stderr, flush=True))
        self._agents = []  # (name, version, handler, max_concurrent, default), announced on every connection
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._process = None
        self._next = 0

    @property
    def process(self):
        """The connection in use now, or None between connections."""
        return self._process

    def announce(self, name, version, handler, max_concurrent=0, default=True):
        """Remembers the agent for every connection; connects now if not connected yet. Returns the answer."""
        self._agents.append((name, version, handler, max_concurrent, default))
        process = self._process
        if process is not None and not process.closed:
            return process.announce(name, version, handler, max_concurrent, default)
        return self._connect_any()

    def serve_forever(self):
        """Serves until close(); raises ArcpError if a gateway refuses this process for good."""
        delay = 0.2
        while not self._stopped.is_set():
            process = self._process
            if process is not None and not process.closed:
                while not process._closed.wait(0.5):
                    if self._stopped.is_set():
                        return False
                delay = 0.2
                continue
            if self._connect_any() is None:
                self._stopped.wait(delay)
                delay = min(2.0, delay * 2)
        return False

    def close(self):
        self._stopped.set()
        process = self._process
        if process is not None:
            process.close()

    def _connect_any(self):
        """One round over the addresses, from the next one on; the last announce's answer, or None."""
        for _ in range(len(self.bridges)):
            host, port = self.bridges[self._next]
            self._next = (self._next + 1) % len(self.bridges)
            if self._stopped.is_set():
                return None
            answer = self._connect(host, port)
            if answer is not None:
                return answer
        return None

    def _connect(self, host, port):
        try:
            process = AgentProcess(host, port, self.token, self.request_timeout, self._log)
        except OSError as e:
            self._log(f"arcp: bridge {host}:{port} unreachable ({e})")
            return None
        answer = {}
        try:
            for name, version, handler, max_concurrent, default in self._agents:
                answer = process.announce(name, version, handler, max_concurrent, default)
        except ArcpError as e:
            process.close()
            # refused outright, or the bridge turned the login away (an err frame before it closed: a bad token)
            if e.code in self.REFUSALS or process._last_err is not None:
                self._stopped.set()
                raise
            self._log(f"arcp: bridge {host}:{port} did not take the agents ({e})")
            return None
        self._process = process
        self._log(f"arcp: serving through {host}:{port}")
        return answer


class Job:
    """One dispatched job. Every method may be called from the job's thread; cancel flips `cancelled`."""

    SYNC_EVERY = 1024  # events between flow-control round trips

    def __init__(self, process, dispatch):
        self._process = process
        self.dispatch = dispatch
        self.id = dispatch["job_id"]
        self.token = dispatch["job_token"]
        self.agent = dispatch.get("agent")
        self.input = dispatch.get("input")
        self.lease = dispatch.get("lease") or {}
        self.lease_constraints = dispatch.get("lease_constraints") or {}
        self.budget = dispatch.get("budget")
        self.principal = dispatch.get("principal")
        self.trace_id = dispatch.get("trace_id")
        self.address = "arcp.job." + self.id
        self.cancel_reason = None
        self.finished = False
        self._cancelled = threading.Event()
        self._resumed = threading.Event()
        self._resumed.set()
        self._chunk_seq = 0
        self._since_sync = 0
        self._sync = None
        self._delegates = {}
        self._delegates_cond = threading.Condition()

    # ---- cancellation ----------------------------------------------------------------------------------------

    @property
    def cancelled(self):
        return self._cancelled.is_set()

    def check_cancelled(self):
        """Raises Cancelled when the job was cancelled; call it between units of work."""
        if self._cancelled.is_set():
            raise Cancelled(self.cancel_reason)

    def sleep(self, seconds):
        """Sleeps, waking early (with Cancelled) when the job is cancelled."""
        if self._cancelled.wait(seconds):
            raise Cancelled(self.cancel_reason)

    def _cancel(self, reason):
        if self._cancelled.is_set():
            return
        self.cancel_reason = reason
        self.finished = True
        self._cancelled.set()
        self._resumed.set()
        self._process._fail_pending(self.id, ArcpError("CANCELLED", reason))
        with self._delegates_cond:
            self._delegates_cond.notify_all()

    # ---- sending ---------------------------------------------------------------------------------------------

    def _send_op(self, op, **fields):
        if self.finished and op not in ("result", "fail"):
            return
        body = {"op": op, "job_token": self.token}
        body.update(fields)
        self._process._send({"type": "send", "address": self.address, "body": body})

    def _request_op(self, op, timeout=None, **fields):
        self.check_cancelled()
        body = {"op": op, "job_token": self.token}
        body.update(fields)
        return self._process._request(self.address, body, timeout, job=self)

    def event(self, kind, body, extensions=None):
        """Emits a §8.2 event; `extensions` ({"x-vendor.key": value}) ride along. Holds back while paused."""
        if self.finished:
            return
        if not self._resumed.is_set():
            self._resumed.wait()
            if self.finished:
                return
        fields = {"kind": kind, "body": body}
        if extensions:
            fields.update(extensions)
        self._send_op("event", **fields)
        self._since_sync += 1
        if self._since_sync >= self.SYNC_EVERY:
            self._flow_control()

    def _flow_control(self):
        """Keeps at most two windows of events in flight: waits for the previous round trip, starts another.
        The gateway answers a heartbeat request after everything sent before it, so this bounds what is queued."""
        self._since_sync = 0
        previous, self._sync = self._sync, None
        if previous is not None:
            try:
                self._process._wait(previous, {"op": "heartbeat"}, self.address)
            except ArcpError:
                pass
        if not self.finished:
            body = {"op": "heartbeat", "job_token": self.token}
            try:
                self._sync = self._process._request_async(self.address, body, job=self)
            except ArcpError:
                pass

    def log(self, level, message, extensions=None):
        self.event("log", {"level": level, "message": message}, extensions)

    def progress(self, current, total=None, units=None, message=None):
        body = {"current": current}
        if total is not None:
            body["total"] = total
        if units is not None:
            body["units"] = units
        if message is not None:
            body["message"] = message
        self.event("progress", body)

    def metric(self, name, value, unit=None, dimensions=None):
        body = {"name": name, "value": value}
        if unit is not None:
            body["unit"] = unit
        if dimensions is not None:
            body["dimensions"] = dimensions
        self.event("metric", body)

    def status(self, phase, message=None):
        self.event("status", {"phase": phase} if message is None else {"phase": phase, "message": message})

    def chunk(self, data, more=True):
        """One result_chunk: str is sent as utf8, bytes as base64. Finish with result() (no value)."""
        if isinstance(data, (bytes, bytearray)):
            body = {"chunk_seq": self._chunk_seq, "data": base64.b64encode(data).decode("ascii"),
                    "encoding": "base64", "more": more}
        else:
            body = {"chunk_seq": self._chunk_seq, "data": data, "encoding": "utf8", "more": more}
        self._chunk_seq += 1
        self.event("result_chunk", body)

    # ---- questions -------------------------------------------------------------------------------------------

    def authorize(self, capability, resource, timeout=None):
        """Asks before an authority-bearing operation (§9.3); raises ArcpError (PERMISSION_DENIED,
        LEASE_EXPIRED, BUDGET_EXHAUSTED …) when the answer is no, Cancelled when the job was cancelled."""
        try:
            self._request_op("authorize", timeout, capability=capability, resource=resource)
        except ArcpError as e:
            if e.code == "CANCELLED" and self.cancelled:
                raise Cancelled(self.cancel_reason) from None
            raise

    def delegate(self, agent, input=None, lease_request=None, lease_constraints=None, timeout=None):
        """Starts a child job (§10); returns {delegate_id, child_job_id}. wait_delegate() gives its outcome."""
        delegate_id = "del-" + secrets.token_hex(8)
        answer = self._request_op("delegate", timeout, agent=agent, input=input,
                                  lease_request=lease_request or {}, lease_constraints=lease_constraints or {},
                                  delegate_id=delegate_id)
        return answer

    def wait_delegate(self, delegate_id, timeout=None):
        """The child's outcome: {type: job.result|job.error, payload}."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._delegates_cond:
            while delegate_id not in self._delegates:
                self.check_cancelled()
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise ArcpError("TIMEOUT", f"delegate {delegate_id} did not finish in time", True)
                self._delegates_cond.wait(left)
            return self._delegates.pop(delegate_id)

    def _delegate_result(self, body):
        with self._delegates_cond:
            self._delegates[body.get("delegate_id")] = {"type": body.get("type"), "payload": body.get("payload"),
                                                        "child_job_id": body.get("child_job_id")}
            self._delegates_cond.notify_all()

    # ---- the end ---------------------------------------------------------------------------------------------

    def result(self, value=None, summary=None):
        """Ends the job successfully: value inline, or nothing after result chunks."""
        if self.finished:
            return
        self.finished = True
        fields = {}
        if self._chunk_seq == 0:
            fields["result"] = value
        if summary is not None:
            fields["summary"] = summary
        self._send_op("result", **fields)

    def fail(self, code, message, retryable=False, details=None):
        if self.finished:
            return
        self.finished = True
        self._send_op("fail", error=ArcpError(code, message, retryable, details).payload())


def parse_bridges(text):
    """"HOST:PORT,HOST:PORT,..." as [(host, port), ...]; raises ValueError naming a bad entry."""
    bridges = []
    for entry in (part.strip() for part in text.split(",")):
        host, sep, port = entry.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"bridge addresses are HOST:PORT, got {entry!r}")
        bridges.append((host, int(port)))
    return bridges


def parse_args(description, default_name):
    """The command line every example shares."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1", help="the gateway's agent bridge host")
    parser.add_argument("--port", type=int, default=7070, help="the gateway's agent bridge port (default 7070)")
    parser.add_argument("--bridge", default=os.environ.get("ARCP_BRIDGE"), metavar="HOST:PORT,...",
                        help="bridge addresses of the gateway's nodes, tried in turn, the next one whenever the"
                             " connection is lost (or ARCP_BRIDGE; instead of --host and --port)")
    parser.add_argument("--token", default=os.environ.get("ARCP_AGENT_TOKEN"),
                        help="agent token (or ARCP_AGENT_TOKEN)")
    parser.add_argument("--name", default=default_name, help=f"agent name (default {default_name})")
    parser.add_argument("--version", default="1.0.0", help="agent version (default 1.0.0)")
    parser.add_argument("--max-concurrent", type=int, default=4, help="jobs at once in this process (0: no limit)")
    args = parser.parse_args()
    if not args.token:
        parser.error("--token (or ARCP_AGENT_TOKEN) is required")
    if args.bridge:
        try:
            args.bridges = parse_bridges(args.bridge)
        except ValueError as e:
            parser.error(str(e))
    else:
        args.bridges = None
    return args


def main(run, description, default_name):
    """Connects, announces `run` as the agent and serves. With --host/--port it ends (exit status 1) when the
    gateway goes away; with --bridge it fails over to the next address instead, and ends only when refused."""
    args = parse_args(description, default_name)
    if args.bridges:
        agent = Failover(args.bridges, args.token)
        try:
            answer = agent.announce(args.name, args.version, run, max_concurrent=args.max_concurrent)
            if answer is not None:
                print(f"announced {answer.get('agent')} as {answer.get('provider')}", flush=True)
            agent.serve_forever()
        except ArcpError as e:
            print(f"announce refused: {e}", file=sys.stderr, flush=True)
            return 2
        return 1
    agent = AgentProcess(args.host, args.port, args.token)
    try:
        answer = agent.announce(args.name, args.version, run, max_concurrent=args.max_concurrent)
    except ArcpError as e:
        print(f"announce refused: {e}", file=sys.stderr, flush=True)
        return 2
    print(f"announced {answer.get('agent')} as {answer.get('provider')}", flush=True)
    agent.serve_forever()
    return 1
