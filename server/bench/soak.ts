/**
 * npm run bench:soak [-- --seconds 600]: the 10-minute soak. Two nodes, Redis and PostgreSQL on
 * loopback, the round-robin balancer in front; 8 boards x 4 writers (one point per message at
 * 30 Hz, a pen-up every 30 points) plus one observer per board. Halfway through, node2 is
 * killed (-9) and started again; its clients reconnect through the balancer. Every 10 s it samples
 * each node's RSS and the window's fan-out and pen-up -> result latencies; at the end it writes
 * the `soak` section of docs/benchmarks.md and the chart docs/img/soak.png.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerMessage } from '../../common/protocol.js';
import { COLORS, svgDoc, text, writePng } from '../../test-support/svg-doc.js';
import { BoardClient, oneAt } from '../cluster/client.js';
import { createRoom, startCluster, strokeRowCounts } from '../cluster/cluster.js';
import { sleep, waitFor } from '../cluster/ports.js';
import { ROOT } from '../src/config.js';
import { replaceSection } from './server-process.js';
import { summarize } from './stats.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 600);
const BOARDS = arg('boards', 8);
const WRITERS = arg('writers', 4);
const HZ = arg('hz', 30);
const SAMPLE_S = arg('sample', 10);
const WRITE_DOCS = !process.argv.includes('--no-docs');
/** Strokes each writer keeps on the board; older ones are erased (a board does not fill up). */
const KEEP = 6;

interface Sample {
  t: number;
  rss: Record<string, number>;
  fanout: { n: number; p50: number; p99: number };
  penUp: { n: number; p50: number; p99: number };
  points: number;
  strokes: number;
  unacked: number;
  reconnects: number;
  errors: number;
}

const cluster = await startCluster({ nodes: 2 });
const [node1, node2] = cluster.nodes;
console.log(`soak: ${BOARDS} boards x ${WRITERS} writers at ${HZ} Hz for ${SECONDS} s; nodes ${node1.port}, ${node2.port}; balancer ${cluster.lb.port}`);

const starts = new Map<string, number>();
let fanoutWindow: number[] = [];
const fanoutAll: number[] = [];
let penUpWindow: number[] = [];
const clients: BoardClient[] = [];
const writers: BoardClient[] = [];
let pointsSent = 0, strokesEnded = 0;
const allStrokes: string[] = [];
const erased = new Set<string>();

for (let b = 0; b < BOARDS; b++) {
  const room = await createRoom(node1.url);
  const observer: BoardClient = new BoardClient({
    url: cluster.lb.wsUrl,
    room,
    name: `Observer ${b}`,
    label: `observer${b}`,
    onMessage: (msg: ServerMessage, at: number) => {
      if (msg.type !== 'stroke-points') return;
      // Replays right after a reconnect are late by design; time live traffic only.
      const lastClose = observer.closes.at(-1)?.at ?? -Infinity;
      if (at - lastClose < 3_000) return;
      const start = starts.get(msg.strokeId);
      if (start === undefined) return;
      const v = at - (start + msg.points[msg.points.length - 1][2]);
      fanoutWindow.push(v);
      fanoutAll.push(v);
    },
  });
  clients.push(observer);
  await observer.connect();
  for (let w = 0; w < WRITERS; w++) {
    const c = new BoardClient({ url: cluster.lb.wsUrl, room, name: `Writer ${b}.${w}`, label: `writer${b}.${w}` });
    clients.push(c);
    writers.push(c);
    await c.connect();
  }
}
console.log(`placed: ${[...cluster.lb.placed].map(([n, k]) => `${n} ${k}`).join(', ')}`);

// Writers: one point per tick, a pen-up every 30 points, then a short pause (a new digit).
let running = true;
const writerLoops = writers.map(async (c, i) => {
  const own: string[] = [];
  let stroke = 0;
  await sleep(Math.random() * 1000);
  while (running) {
    const id = `soak-${i}-${stroke++}`;
    const slot = i % WRITERS;
    const pts = oneAt(100 + slot * 380 + (stroke % 3) * 110, 100 + (stroke % 4) * 200);
    const start = performance.now();
    starts.set(id, start);
    for (let k = 0; k < pts.length && running; k++) {
      const p = [pts[k][0], pts[k][1], Math.round((performance.now() - start) * 1000) / 1000];
      if (k === 0) c.beginStroke(id, [p]);
      else c.addPoints(id, [p]);
      pointsSent++;
      await sleep(1000 / HZ);
    }
    c.endStroke(id);
    strokesEnded++;
    allStrokes.push(id);
    own.push(id);
    // Only a stroke the board has stored (after a reconnect the client may still be re-sending
    // it); otherwise it waits for the next pen-up.
    if (own.length > KEEP && c.acks.has(own[0]) && c.raw({ type: 'erase', strokeId: own[0] })) erased.add(own.shift()!);
    await sleep(300 + Math.random() * 300);
  }
});

const samples: Sample[] = [];
const t0 = performance.now();
let restart: { at: number; reconnectedMs: number; upMs: number } | null = null;
let lastPenUpIndex = new Map<BoardClient, number>();
let lastSampleAt = 0;
const sampleNow = (final = false) => {
  const t = Math.round((performance.now() - t0) / 1000);
  // The last window is cut short by the end of the run: too few points to say anything.
  if (final && t - lastSampleAt < SAMPLE_S / 2) return;
  lastSampleAt = t;
  for (const w of writers) {
    const from = lastPenUpIndex.get(w) ?? 0;
    penUpWindow.push(...w.penUpToResult.slice(from));
    lastPenUpIndex.set(w, w.penUpToResult.length);
  }
  const s: Sample = {
    t,
    // NaN while a node is down or just spawned (the restart): no process, or nothing to read yet.
    rss: Object.fromEntries(cluster.nodes.map((n) => [n.name, (n.alive && n.sampleRss()) || NaN])),
    fanout: summarize(fanoutWindow),
    penUp: summarize(penUpWindow),
    points: pointsSent,
    strokes: strokesEnded,
    unacked: writers.reduce((a, w) => a + w.unacked.size, 0),
    reconnects: clients.reduce((a, c) => a + c.reconnects, 0),
    errors: clients.reduce((a, c) => a + c.errors.length, 0),
  };
  fanoutWindow = [];
  penUpWindow = [];
  samples.push(s);
  console.log(
    `t=${String(t).padStart(4)} s  rss ${Object.entries(s.rss).map(([k, v]) => `${k} ${v}`).join(' ')} MB  fan-out p50 ${s.fanout.p50} p99 ${s.fanout.p99} (n ${s.fanout.n})  pen-up p50 ${s.penUp.p50} p99 ${s.penUp.p99} (n ${s.penUp.n})  unacked ${s.unacked}  reconnects ${s.reconnects}  errors ${s.errors}`,
  );
};
const sampler = setInterval(() => sampleNow(), SAMPLE_S * 1000);
lastPenUpIndex = new Map();

await sleep((SECONDS / 2) * 1000);
{
  const onNode2 = clients.filter((c) => cluster.lb.backendOf(c.localPort) === 'node2');
  const at = performance.now();
  console.log(`t=${Math.round((at - t0) / 1000)} s: kill -9 node2 (${onNode2.length} clients on it), then start it again`);
  await node2.kill9();
  const up = node2.start();
  await waitFor('clients of node2 back', () => onNode2.every((c) => c.open && c.welcomes.length >= 2), 60_000, 50);
  const reconnectedMs = Math.round(performance.now() - at);
  await up;
  restart = { at: Math.round((at - t0) / 1000), reconnectedMs, upMs: Math.round(performance.now() - at) };
  console.log(`clients back after ${reconnectedMs} ms; node2 healthy again after ${restart.upMs} ms`);
}
await sleep(Math.max(0, SECONDS * 1000 - (performance.now() - t0)));
running = false;
await Promise.all(writerLoops);
clearInterval(sampler);
sampleNow(true);
const perNode = new Map<string, number>();
for (const c of clients) {
  const n = cluster.lb.backendOf(c.localPort) ?? '?';
  perNode.set(n, (perNode.get(n) ?? 0) + 1);
}
await waitFor('every stroke acknowledged', () => writers.every((w) => w.open && w.unacked.size === 0), 60_000, 100).catch((err) => console.log(String(err)));
const unackedAtEnd = writers.reduce((a, w) => a + w.unacked.size, 0);
const kept = allStrokes.filter((id) => !erased.has(id));
const rows = await strokeRowCounts(cluster, kept.slice(-200)).catch(() => new Map<string, number>());
const rowProblems = [...rows].filter(([, n]) => n !== 1).length;
const errorCodes = new Map<string, number>();
for (const c of clients) for (const e of c.errors) errorCodes.set(e.code, (errorCodes.get(e.code) ?? 0) + 1);
const peak = Object.fromEntries(cluster.nodes.map((n) => [n.name, n.peakRssMb]));
for (const c of clients) c.close();
await cluster.stop();

// Report.
const half = (from: number, to: number) => samples.filter((s) => s.t > from && s.t <= to);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const before = half(0, restart!.at), afterR = half(restart!.at + 20, SECONDS + 60);
const fan = summarize(fanoutAll);
const rssOf = (s: Sample | undefined, n: string) => s?.rss[n] ?? NaN;
const first = samples[0], last = samples.at(-1)!;
const lines = [
  '## Soak: two nodes, 10 minutes, a node restart in the middle',
  '',
  `Made by \`npm run bench:soak${SECONDS !== 600 ? ` -- --seconds ${SECONDS}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} x ${os.cpus()[0]?.model}, Node ${process.version}. Two nodes, redis-server, PostgreSQL, the round-robin balancer and all ${clients.length} clients share the machine on loopback. ${BOARDS} boards x ${WRITERS} writers (one point per message at ${HZ} Hz, a pen-up every 30 points, each writer erasing its strokes beyond the last ${KEEP}) and one observer per board, all placed by the balancer. At ${restart!.at} s node2 was killed (-9) and started again. Samples every ${SAMPLE_S} s; fan-out is timed by the observers (writer -> observer, whichever nodes they are on), pen-up -> result by the writers.`,
  '',
  '![RSS per node and latencies over the soak](img/soak.png)',
  '',
  '| measure | result |',
  '|---|---|',
  `| points sent / strokes ended | ${pointsSent} / ${strokesEnded} |`,
  `| fan-out over the whole run | p50 ${fan.p50} ms, p99 ${fan.p99} ms (${fan.n} points timed) |`,
  `| fan-out p99, median of the samples before / after the restart | ${med(before.map((s) => s.fanout.p99))} / ${med(afterR.map((s) => s.fanout.p99))} ms |`,
  `| pen-up -> result p99, median of the samples before / after | ${med(before.map((s) => s.penUp.p99))} / ${med(afterR.map((s) => s.penUp.p99))} ms |`,
  `| RSS first sample -> last sample | ${cluster.nodes.map((n) => `${n.name} ${rssOf(first, n.name)} -> ${rssOf(last, n.name)} MB`).join('; ')} |`,
  `| peak RSS (incl. kernel high-water mark) | ${Object.entries(peak).map(([k, v]) => `${k} ${v} MB`).join('; ')} |`,
  `| node2 kill -> its clients resumed on node1 / node2 healthy again | ${restart!.reconnectedMs} ms / ${restart!.upMs} ms |`,
  `| clients per node at the end (the balancer places new connections only; nothing moves clients back) | ${cluster.nodes.map((n) => `${n.name} ${perNode.get(n.name) ?? 0}`).join(', ')} |`,
  `| reconnects / strokes unacknowledged at the end | ${last.reconnects} / ${unackedAtEnd} |`,
  `| stored once in PostgreSQL (last ${rows.size} strokes still on the boards) | ${rows.size - rowProblems} of ${rows.size} |`,
  `| error messages received | ${[...errorCodes].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} |`,
  '',
  '<details><summary>Every sample</summary>',
  '',
  `| t (s) | ${cluster.nodes.map((n) => `${n.name} RSS (MB)`).join(' | ')} | fan-out p50 / p99 (ms) | pen-up -> result p50 / p99 (ms) | points timed | unacked | reconnects |`,
  `|---|${cluster.nodes.map(() => '---|').join('')}---|---|---|---|---|`,
  ...samples.map((s) => `| ${s.t} | ${cluster.nodes.map((n) => (Number.isFinite(s.rss[n.name]) ? s.rss[n.name] : 'down')).join(' | ')} | ${s.fanout.p50} / ${s.fanout.p99} | ${s.penUp.p50} / ${s.penUp.p99} | ${s.fanout.n} | ${s.unacked} | ${s.reconnects} |`),
  '',
  '</details>',
];
console.log(lines.join('\n'));

/** Two panels over time: RSS per node; fan-out and pen-up -> result p50/p99 (log scale). */
function chart(): string {
  const W = 900, H = 640, L = 70, R = 20, pw = W - L - R;
  const xs = samples.map((s) => s.t);
  const xMax = Math.max(...xs, 1);
  const sx = (t: number) => L + (t / xMax) * pw;
  let svg = text(W / 2, 24, `Soak: ${BOARDS} boards x ${WRITERS} writers at ${HZ} Hz on two nodes; node2 killed and restarted at ${restart!.at} s`, { anchor: 'middle', size: 15, weight: 'bold' });
  const panel = (y0: number, h: number, title: string, yLabel: string, series: { name: string; color: string; dashed?: boolean; values: number[] }[], log: boolean) => {
    const vals = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
    const lo = log ? 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...vals)))) : 0;
    const hi = log ? 10 ** Math.ceil(Math.log10(Math.max(...vals, 1))) : Math.ceil((Math.max(...vals, 1) * 1.15) / 50) * 50;
    const f = (v: number) => (log ? Math.log10(Math.max(v, lo)) : v);
    const sy = (v: number) => y0 + h - ((f(v) - f(lo)) / (f(hi) - f(lo))) * h;
    let s = text(L + pw / 2, y0 - 10, title, { anchor: 'middle', size: 13, weight: 'bold' });
    const ticks = log ? Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * 10 ** i) : Array.from({ length: 6 }, (_, i) => (hi * i) / 5);
    for (const t of ticks) {
      s += `<line x1="${L}" x2="${L + pw}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="${COLORS.light}"/>`;
      s += text(L - 6, sy(t) + 4, String(Math.round(t * 10) / 10), { anchor: 'end', size: 11 });
    }
    for (let t = 0; t <= xMax; t += xMax > 300 ? 60 : 10) s += text(sx(t), y0 + h + 16, String(t), { anchor: 'middle', size: 11 });
    s += `<rect x="${L}" y="${y0}" width="${pw}" height="${h}" fill="none" stroke="#888"/>`;
    s += `<line x1="${sx(restart!.at)}" x2="${sx(restart!.at)}" y1="${y0}" y2="${y0 + h}" stroke="${COLORS.red}" stroke-dasharray="4 4"/>`;
    s += text(sx(restart!.at) + 4, y0 + 14, 'node2 killed + restarted', { size: 11, color: COLORS.red });
    s += text(16, y0 + h / 2, yLabel, { anchor: 'middle', size: 12, rotate: -90 });
    series.forEach((ser, k) => {
      // A gap (NaN: the node was down) breaks the line.
      const runs: (readonly [number, number])[][] = [[]];
      ser.values.forEach((v, i) => (Number.isFinite(v) ? runs.at(-1)!.push([sx(xs[i]), sy(v)]) : runs.push([])));
      for (const pts of runs.filter((r) => r.length > 0)) {
        s += `<polyline fill="none" stroke="${ser.color}" stroke-width="2"${ser.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`;
      }
      const lx = L + 10 + k * 200, ly = y0 + h + 36;
      s += `<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${ser.color}" stroke-width="2.5"${ser.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
      s += text(lx + 28, ly, ser.name, { size: 11 });
    });
    return s;
  };
  const nodeColors = [COLORS.blue, COLORS.orange, COLORS.green];
  svg += panel(60, 200, 'RSS per node (MB)', 'MB', cluster.nodes.map((n, i) => ({ name: n.name, color: nodeColors[i % 3], values: samples.map((s) => s.rss[n.name]) })), false);
  svg += panel(360, 200, 'Latency per 10 s window (ms, log scale)', 'ms', [
    { name: 'fan-out p50', color: COLORS.blue, dashed: true, values: samples.map((s) => s.fanout.p50) },
    { name: 'fan-out p99', color: COLORS.blue, values: samples.map((s) => s.fanout.p99) },
    { name: 'pen-up -> result p50', color: COLORS.green, dashed: true, values: samples.map((s) => s.penUp.p50) },
    { name: 'pen-up -> result p99', color: COLORS.green, values: samples.map((s) => s.penUp.p99) },
  ], true);
  svg += text(L + pw / 2, H - 12, 'seconds since the load started', { anchor: 'middle', size: 12 });
  return svgDoc(W, H, svg);
}

if (WRITE_DOCS) {
  await writePng(chart(), path.join(ROOT, 'docs', 'img', 'soak.png'));
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  writeFileSync(file, replaceSection(doc, 'soak', lines.join('\n')));
  console.log('\nwrote docs/benchmarks.md (soak section) and docs/img/soak.png');
} else {
  await writePng(chart(), path.join(os.tmpdir(), 'soak.png'));
  console.log(`\nchart: ${path.join(os.tmpdir(), 'soak.png')} (docs not written: --no-docs)`);
}
process.exit(0);
