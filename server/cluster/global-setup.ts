/**
 * Vitest globalSetup for the cluster suite: a folder for the figures the tests measure, and at
 * the end, with WRITE_BENCH=1, the `cluster` section of docs/benchmarks.md written from them (a
 * test run changes no tracked file). The section is written only when every measuring test
 * recorded its figures (a red run leaves the last good figures).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { replaceSection } from '../bench/server-process.js';
import { ROOT } from '../src/config.js';
import { readFigures, type Figures } from './figures.js';

declare module 'vitest' {
  export interface ProvidedContext {
    figuresDir: string;
  }
}

const GROUPS = ['fanout', 'node-kill', 'redis-down', 'pg-down', 'shutdown', 'shutdown-queued'] as const;

function section(f: Record<string, Figures>): string {
  const fo = f.fanout, nk = f['node-kill'], rd = f['redis-down'], pd = f['pg-down'], sd = f.shutdown, sq = f['shutdown-queued'];
  let redisVersion = '';
  try {
    redisVersion = execFileSync('redis-server', ['--version']).toString().match(/v=(\S+)/)?.[1] ?? '';
  } catch {
    // not installed: the run would have failed before
  }
  const rss = (g: Figures) =>
    Object.entries(g)
      .filter(([k]) => k.startsWith('rss_'))
      .map(([k, v]) => `${k.slice(4)} ${v}`)
      .join(', ');
  return [
    '## Cluster: nodes behind a load balancer',
    '',
    `Made by \`WRITE_BENCH=1 npm run test:cluster\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} x ${os.cpus()[0]?.model}, Node ${process.version}, redis-server ${redisVersion}, Debian's PostgreSQL. Every node, Redis, PostgreSQL, the round-robin TCP balancer and the test clients share the machine's cores on loopback. Latencies in ms, times to recover in ms, RSS in MB (peak over the test, kernel high-water mark included).`,
    '',
    '### Fan-out across nodes',
    '',
    'One writer on node 1 sends one point per message at ~60 Hz (40 strokes of 30 points); observers on node 2 and node 3 (across nodes, through Redis) and on node 1 (same node) time each point from its sending to its arrival.',
    '',
    '| path | points timed | p50 | p99 |',
    '|---|---|---|---|',
    `| across nodes (node 1 -> Redis -> nodes 2, 3) | ${fo.crossN} | ${fo.crossP50} | ${fo.crossP99} |`,
    `| within a node (node 1 -> node 1) | ${fo.localN} | ${fo.localP50} | ${fo.localP99} |`,
    '',
    `Pen-up -> result for the writer: p50 ${fo.penUpP50}, p99 ${fo.penUpP99}. Peak RSS: ${rss(fo)}.`,
    '',
    "Nodes run with the default send path (a socket's messages leave at the end of the event-loop turn; a pause of up to 64 ms between frames is added only while a node's event loop runs late).",
    '',
    '### Faults: detection and recovery',
    '',
    '| fault | measure | time (ms) |',
    '|---|---|---|',
    `| node killed (-9) with 3 clients on it (2 writing; one stroke in flight, one being drawn) | kill -> every client reconnected and welcomed on the other node | ${nk.reconnectMs} |`,
    `| | kill -> every unacknowledged stroke acknowledged by the other node | ${nk.ackedMs} |`,
    `| Redis killed | kill -> /api/health says degraded (both nodes) | ${rd.degradedMs} |`,
    `| Redis restarted on the same port | restart -> /api/health ok (both nodes) | ${rd.healthyMs} |`,
    `| | restart -> a stroke drawn on node 1 reaches node 2 again | ${rd.fanoutMs} |`,
    `| PostgreSQL paused | pause -> /api/health says degraded | ${pd.degradedMs} |`,
    `| PostgreSQL resumed (after ${pd.downMs} ms down, ${pd.queued} strokes waiting) | resume -> every waiting stroke acknowledged | ${pd.flushMs} |`,
    `| | resume -> /api/health ok | ${pd.healthyMs} |`,
    `| SIGTERM to a node with ${sd.clients} clients | signal -> process exited (code ${sd.exitCode}) | ${sd.exitMs} |`,
    `| | signal -> every client resumed on the other node | ${sd.resumedMs} |`,
    `| SIGTERM with 3 strokes and 3 history records waiting for PostgreSQL (back ${sq.pgBackAfterMs} ms after the signal) | signal -> process exited (code ${sq.exitCode}), everything stored once | ${sq.exitMs} |`,
    '',
    `Peak RSS per node: node kill ${rss(nk)}; Redis outage ${rss(rd)}; PostgreSQL outage ${rss(pd)}; shutdown ${rss(sd)}.`,
  ].join('\n');
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'digitboard-cluster-figures-'));
  project.provide('figuresDir', dir);
  return () => {
    const figures = readFigures(dir);
    rmSync(dir, { recursive: true, force: true });
    const missing = GROUPS.filter((g) => !figures[g]);
    if (missing.length > 0) {
      console.log(`cluster figures incomplete (no ${missing.join(', ')}): docs/benchmarks.md not updated`);
      return;
    }
    if (process.env['WRITE_BENCH'] !== '1') {
      console.log('cluster figures measured; WRITE_BENCH=1 writes them into docs/benchmarks.md');
      return;
    }
    const file = path.join(ROOT, 'docs', 'benchmarks.md');
    const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
    writeFileSync(file, replaceSection(doc, 'cluster', section(figures)));
    console.log('wrote docs/benchmarks.md (cluster section)');
  };
}
