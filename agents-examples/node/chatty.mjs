#!/usr/bin/env node
// chatty-node@1.0.0 — input {"count": N, "size": B} → N log events of about B bytes, then {"count": N}.
// The bridged twin of the gateway's built-in `chatty` agent, for benchmarks:
//
//   node chatty.mjs --port 7070 --token agent-secret

import { main } from './arcp-agent.mjs';

async function run(job) {
  const data = job.input && typeof job.input === 'object' ? job.input : {};
  const count = Number(data.count ?? 10);
  const size = Number(data.size ?? 64);
  const padding = 'x'.repeat(Math.max(0, size - 16));
  for (let i = 0; i < count; i++) {
    if (job.cancelled) return undefined;
    const sent = job.log('info', `event ${i} ${padding}`);
    if (sent) await sent;
  }
  return { count };
}

main(run, 'chatty-node');
