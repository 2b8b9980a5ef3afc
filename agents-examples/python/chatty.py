#!/usr/bin/env python3
"""chatty-py@1.0.0 — input {"count": N, "size": B} → N log events of about B bytes, then {"count": N}.

The bridged twin of the gateway's built-in `chatty` agent, for benchmarks:

    python3 chatty.py --port 7070 --token agent-secret
"""

import sys

import arcp_agent


def run(job):
    data = job.input if isinstance(job.input, dict) else {}
    count = int(data.get("count", 10))
    size = int(data.get("size", 64))
    padding = "x" * max(0, size - 16)
    for i in range(count):
        if job.cancelled:
            return None
        job.log("info", f"event {i} {padding}")
    return {"count": count}


if __name__ == "__main__":
    sys.exit(arcp_agent.main(run, "chatty-py: N log events, for benchmarks", "chatty-py"))
