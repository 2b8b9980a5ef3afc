#!/usr/bin/env python3
"""wordcount-py@1.0.0 — counts the words of files, asking the gateway before reading each one.

Input: {"paths": ["/ws/a.txt", ...], "chunk": C?, "encoding": "utf8"|"base64"?, "delay_ms": D?}

* every path is read only after `fs.read` was authorized through the job's lease; refused paths are reported
  (in "denied", with the refusal's code in "refused"), never read; a BUDGET_EXHAUSTED refusal stops the job's
  reading (every later authorization would be refused too);
* progress (files done/total) after each file, a `cost.tokens` metric of 0.001 USD per 1000 words;
* without "chunk": the result is {"counts": {path: words}, "denied": [...], "refused": {...}, "total": n};
  with "chunk": C, the result is streamed as result_chunk events of at most C bytes of "path count\\n" lines
  (base64 when "encoding" is "base64"), then a result carrying only a summary;
* cancel is honoured between files ("delay_ms" waits that long before each file, to make jobs last).

    python3 wordcount.py --port 7070 --token agent-secret
"""

import sys

import arcp_agent

USD_PER_1000_WORDS = 0.001


def run(job):
    data = job.input if isinstance(job.input, dict) else {}
    paths = data.get("paths") or []
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise arcp_agent.ArcpError("INVALID_REQUEST", "input.paths must be a list of strings")
    chunk = data.get("chunk")
    delay = (data.get("delay_ms") or 0) / 1000.0
    counts, denied, refused, lines = {}, [], {}, []
    total = 0
    for done, path in enumerate(paths, 1):
        if delay:
            job.sleep(delay)
        job.check_cancelled()
        if refused and "BUDGET_EXHAUSTED" in refused.values():
            denied.append(path)
            refused[path] = "BUDGET_EXHAUSTED"
        else:
            try:
                job.authorize("fs.read", path)
                words = count_words(path)
            except arcp_agent.ArcpError as e:
                denied.append(path)
                refused[path] = e.code
                job.log("warn", f"fs.read {path} refused: {e.code}: {e.message}")
            except OSError as e:
                denied.append(path)
                refused[path] = "NOT_READABLE"
                job.log("warn", f"cannot read {path}: {e.strerror}")
            else:
                counts[path] = words
                total += words
                lines.append(f"{path} {words}\n")
                job.log("info", f"{path}: {words} words")
                job.metric("cost.tokens", round(words * USD_PER_1000_WORDS / 1000, 9), "USD")
        job.progress(done, len(paths), "files")
    if chunk:
        stream(job, "".join(lines), int(chunk), data.get("encoding") == "base64")
        job.result(summary=f"{len(counts)} files, {total} words, {len(denied)} denied")
        return None
    return {"counts": counts, "denied": denied, "refused": refused, "total": total}


def count_words(path):
    with open(path, "rb") as f:
        return len(f.read().split())


def stream(job, text, size, binary):
    """result_chunk events of at most `size` bytes each (split on UTF-8 character boundaries)."""
    data = text.encode("utf-8")
    pieces = []
    start = 0
    while start < len(data):
        end = min(len(data), start + size)
        while not binary and end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # never split a UTF-8 sequence in a utf8 chunk
        pieces.append(data[start:end])
        start = end
    if not pieces:
        pieces = [b""]
    for i, piece in enumerate(pieces):
        job.check_cancelled()
        job.chunk(piece if binary else piece.decode("utf-8"), more=i < len(pieces) - 1)


if __name__ == "__main__":
    sys.exit(arcp_agent.main(run, "wordcount-py: counts words of files read through the lease", "wordcount-py"))
