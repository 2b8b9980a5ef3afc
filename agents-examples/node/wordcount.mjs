#!/usr/bin/env node
// wordcount-node@1.0.0 — counts the words of files, asking the gateway before reading each one.
//
// Input: {"paths": ["/ws/a.txt", ...], "chunk": C?, "encoding": "utf8"|"base64"?, "delay_ms": D?}
//
// * every path is read only after `fs.read` was authorized through the job's lease; refused paths are reported
//   (in "denied", with the refusal's code in "refused"), never read; after a BUDGET_EXHAUSTED refusal nothing
//   more is read (every later authorization would be refused too);
// * progress (files done/total) after each file, a `cost.tokens` metric of 0.001 USD per 1000 words;
// * without "chunk": the result is {"counts": {path: words}, "denied": [...], "refused": {...}, "total": n};
//   with "chunk": C, the result is streamed as result_chunk events of at most C bytes of "path count\n" lines
//   (base64 when "encoding" is "base64"), then a result carrying only a summary;
// * cancel is honoured between files ("delay_ms" waits that long before each file, to make jobs last).
//
//   node wordcount.mjs --port 7070 --token agent-secret

import { readFile } from 'node:fs/promises';
import { ArcpError, main } from './arcp-agent.mjs';

const USD_PER_1000_WORDS = 0.001;

async function run(job) {
  const data = job.input && typeof job.input === 'object' ? job.input : {};
  const paths = data.paths ?? [];
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
    throw new ArcpError('INVALID_REQUEST', 'input.paths must be a list of strings');
  }
  const delay = Number(data.delay_ms ?? 0);
  const counts = {};
  const denied = [];
  const refused = {};
  const lines = [];
  let total = 0;
  let exhausted = false;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i];
    if (delay > 0) await job.sleep(delay);
    job.checkCancelled();
    if (exhausted) {
      denied.push(path);
      refused[path] = 'BUDGET_EXHAUSTED';
    } else {
      try {
        await job.authorize('fs.read', path);
        const words = countWords(await readFile(path));
        counts[path] = words;
        total += words;
        lines.push(`${path} ${words}\n`);
        await job.log('info', `${path}: ${words} words`);
        await job.metric('cost.tokens', Math.round(words * USD_PER_1000_WORDS / 1000 * 1e9) / 1e9, 'USD');
      } catch (e) {
        if (e instanceof ArcpError) {
          denied.push(path);
          refused[path] = e.code;
          exhausted = e.code === 'BUDGET_EXHAUSTED';
          await job.log('warn', `fs.read ${path} refused: ${e.code}: ${e.reason}`);
        } else if (e?.code && typeof e.code === 'string' && e.syscall) {
          denied.push(path);
          refused[path] = 'NOT_READABLE';
          await job.log('warn', `cannot read ${path}: ${e.code}`);
        } else {
          throw e;
        }
      }
    }
    await job.progress(i + 1, paths.length, 'files');
  }
  if (data.chunk) {
    await stream(job, lines.join(''), Number(data.chunk), data.encoding === 'base64');
    job.result(undefined, `${Object.keys(counts).length} files, ${total} words, ${denied.length} denied`);
    return undefined;
  }
  return { counts, denied, refused, total };
}

/** Words are runs of non-whitespace bytes (ASCII whitespace), as in the Python and Java twins. */
function countWords(bytes) {
  let words = 0;
  let inWord = false;
  for (const b of bytes) {
    const space = b === 0x20 || (b >= 0x09 && b <= 0x0d);
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** result_chunk events of at most `size` bytes each (utf8 chunks never split a character). */
async function stream(job, text, size, binary) {
  const data = Buffer.from(text, 'utf8');
  const pieces = [];
  for (let start = 0; start < data.length;) {
    let end = Math.min(data.length, start + size);
    while (!binary && end < data.length && (data[end] & 0xc0) === 0x80) end--;
    pieces.push(data.subarray(start, end));
    start = end;
  }
  if (pieces.length === 0) pieces.push(Buffer.alloc(0));
  for (let i = 0; i < pieces.length; i++) {
    job.checkCancelled();
    await job.chunk(binary ? pieces[i] : pieces[i].toString('utf8'), i < pieces.length - 1);
  }
}

main(run, 'wordcount-node');
