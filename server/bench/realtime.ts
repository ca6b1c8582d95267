/**
 * npm run bench:realtime [-- --quick] [-- --reps N] [-- --scenario <text>] [-- --variants a,b]
 *   [-- --baseline <checkout> --baseline-protocol P]:
 * shared boards under load, load clients in separate processes on loopback; writes its section of
 * docs/benchmarks.md. --baseline names another checkout of this repository, built with
 * `npm run build:server`, whose server runs as one more variant (speaking protocol P), so that an
 * older version and this one are measured side by side in one run.
 *  A. one room, 100 collaborators all writing at 60 Hz: point -> every other client;
 *  B. 2,000 sockets across 200 rooms, one writer per room: fan-out, server RSS, and
 *     pen-up -> result under that load; then the same sockets with writers in 100, 50 and 20 rooms;
 *  C. 2,000 idle sockets: where the server's memory goes.
 * Each scenario runs against every server variant (below), alternating, in the same run; cells
 * are medians over the repetitions.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROTOCOL_VERSION } from '../../common/protocol.js';
import { ROOT } from '../src/config.js';
import { replaceSection, rssMb, startServer, stopServer } from './server-process.js';
import { Histogram } from './stats.js';

const QUICK = process.argv.includes('--quick');
const SECONDS = QUICK ? 5 : 15;
const repsAt = process.argv.indexOf('--reps');
const REPS = repsAt > 0 ? Number(process.argv[repsAt + 1]) : QUICK ? 1 : 3;
/** Load processes per scenario: both cores can run a load client while the server waits. */
const SHARDS = 2;
const lines: string[] = [];
const log = (s = '') => {
  console.log(s);
  lines.push(s);
};

const flag = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const BASELINE = flag('--baseline');
const BASELINE_PROTOCOL = flag('--baseline-protocol') ?? String(PROTOCOL_VERSION);

interface ServerVariant {
  env: Record<string, string>;
  /** The checkout whose dist/ runs (default: this one) and the protocol its clients speak. */
  root: string;
  protocol: string;
}
/** `npm start`'s environment (package.json): 16 libuv threads, two malloc arenas. */
const START_ENV = { UV_THREADPOOL_SIZE: '16', MALLOC_ARENA_MAX: '2' };
const VARIANTS: Record<string, ServerVariant> = {
  ...(BASELINE ? { baseline: { env: START_ENV, root: path.resolve(BASELINE), protocol: BASELINE_PROTOCOL } } : {}),
  // `npm start` now, with its defaults (WS_FLUSH_MS=0, WS_FLUSH_MAX_MS=64, HEAP_GROWING_PERCENT=25).
  now: { env: START_ENV, root: ROOT, protocol: String(PROTOCOL_VERSION) },
  // Boards drawing their digits with sharp, as before: what drawing them on the event loop changes.
  'sharp on boards': { env: { ...START_ENV, BOARD_RASTERIZER: 'sharp' }, root: ROOT, protocol: String(PROTOCOL_VERSION) },
  // The same without the send tick's stretch under load: what the stretch alone changes.
  'now, no stretch': { env: { ...START_ENV, WS_FLUSH_MAX_MS: '0' }, root: ROOT, protocol: String(PROTOCOL_VERSION) },
  // This code with the settings of before: one frame per socket per event-loop turn, V8's own heap growth.
  'now, old settings': { env: { ...START_ENV, WS_FLUSH_MS: '0', WS_FLUSH_MAX_MS: '0', HEAP_GROWING_PERCENT: '0' }, root: ROOT, protocol: String(PROTOCOL_VERSION) },
};
type Variant = string;
const DESCRIPTIONS: Record<string, string> = {
  baseline: `the build in \`${BASELINE}\` (protocol ${BASELINE_PROTOCOL}) with \`npm start\`'s environment`,
  now:
    'this checkout as `npm start` runs it (`MALLOC_ARENA_MAX=2 UV_THREADPOOL_SIZE=16` and the defaults: one frame per socket per event-loop turn, and while the event loop runs late ' +
    "(p99 delay over 20 ms in the last half second) at most one per 4-64 ms; a result, ack, pong or error for the member who waits for it never waits; `HEAP_GROWING_PERCENT=25`; boards draw digits on the event loop, `BOARD_RASTERIZER=event-loop`)",
  'sharp on boards': 'the same with `BOARD_RASTERIZER=sharp`: boards draw their digits with sharp, as POST /api/recognize does, and the answer waits for the event loop to pick it up from the thread pool',
  'now, no stretch': 'the same with `WS_FLUSH_MAX_MS=0` (one frame per turn however late the loop runs)',
  'now, old settings':
    "this checkout with the settings of before (`WS_FLUSH_MS=0 WS_FLUSH_MAX_MS=0 HEAP_GROWING_PERCENT=0`: one frame per socket per event-loop turn however busy, V8's own heap growth), to tell what the code changed from what the settings changed",
};
/** --variants now,baseline: only these servers (default: all). */
const ONLY_VARIANTS = flag('--variants')?.split(',');
for (const name of Object.keys(VARIANTS)) if (ONLY_VARIANTS && !ONLY_VARIANTS.includes(name)) delete VARIANTS[name];

/** Writes the server's process.memoryUsage() to a file twice a second (bench only). */
const MEMORY_PROBE =
  'data:text/javascript,' +
  encodeURIComponent(
    "import{writeFileSync,renameSync}from'node:fs';const f=process.env.MEMORY_PROBE_FILE;" +
      "setInterval(()=>{writeFileSync(f+'.tmp',JSON.stringify(process.memoryUsage()));renameSync(f+'.tmp',f)},500).unref();",
  );

interface Memory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

function startVariant(port: number, variant: Variant, dataDir: string, probeFile: string): Promise<ChildProcess> {
  const { env, root } = VARIANTS[variant];
  const { WS_FLUSH_MS: _f, WS_FLUSH_MAX_MS: _x, HEAP_GROWING_PERCENT: _h, MALLOC_ARENA_MAX: _m, UV_THREADPOOL_SIZE: _u, ...inherited } = process.env; // each variant sets its own
  return startServer(port, { DATA_DIR: dataDir, MEMORY_PROBE_FILE: probeFile, ...env }, {
    script: path.join(root, 'dist/server/src/server.js'),
    nodeArgs: ['--import', MEMORY_PROBE],
    baseEnv: inherited,
  });
}

/** CPU time (user + system) a process has used so far, in seconds (Linux: /proc, 100 ticks/s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const mb = (bytes: number) => Math.round(bytes / (1 << 20));
const readMemory = (file: string): Memory => JSON.parse(readFileSync(file, 'utf8'));

/** Rooms, clients per room, writers per room, and how many of the rooms have writers (default: all). */
type LoadArgs = [number, number, number, number?];

/** Writers whose pen-ups are also timed from a process of their own that does nothing else (see room-load). */
const PROBES = 10;

function load(port: number, [rooms, perRoom, writers, writingRooms = rooms]: LoadArgs, seconds: number, shard: number | 'probe', epoch: number, protocol: string): Promise<any> {
  const script = path.join(ROOT, 'server/bench/room-load.ts');
  const argv = ['--import', 'tsx', script, `ws://127.0.0.1:${port}/ws`, ...[rooms, perRoom, writers, seconds, shard, SHARDS, epoch].map(String), protocol, String(writingRooms), String(PROBES)];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, argv, { maxBuffer: 1 << 26 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout.trim().split('\n').at(-1)!)))),
  );
}

interface Run {
  sockets: string;
  sent: number;
  delivered: number;
  expected: number;
  fanout: ReturnType<Histogram['summary']>;
  result: ReturnType<Histogram['summary']>;
  /** Pen-up -> result as the probe writers saw it. */
  probe: ReturnType<Histogram['summary']>;
  unanswered: number;
  boot: Memory;
  peakRss: number;
  end: Memory;
  errors: number;
  closed: number;
  loadLag: number;
  errorCodes: Record<string, number>;
  /** Server CPU seconds while the load ran, and frames each client received per second. */
  serverCpu: number;
  loadCpu: number;
  framesPerClientPerSecond: number;
}

async function scenario(port: number, args: LoadArgs, variant: Variant, seconds = SECONDS): Promise<Run> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-rooms-'));
  const memoryFile = path.join(dataDir, 'memory.json');
  const server = await startVariant(port, variant, dataDir, memoryFile);
  let boot: Memory, end: Memory, peak: number, outs: any[], cpu0: number, cpu1: number;
  try {
    await new Promise((r) => setTimeout(r, 1500)); // let boot settle and the memory probe write
    boot = readMemory(memoryFile);
    peak = rssMb(server.pid!);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid!))), 250);
    const epoch = performance.timeOrigin + performance.now();
    cpu0 = cpuSeconds(server.pid!);
    const shards = [...Array.from({ length: SHARDS }, (_, s) => s), 'probe' as const];
    outs = await Promise.all(shards.map((s) => load(port, args, seconds, s, epoch, VARIANTS[variant].protocol))).finally(() => clearInterval(sampler));
    end = readMemory(memoryFile);
    cpu1 = cpuSeconds(server.pid!);
  } finally {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const fanout = new Histogram(), result = new Histogram();
  for (const o of outs) fanout.merge(o.fanout);
  for (const o of outs.slice(0, SHARDS)) result.merge(o.penUpToResult);
  const probe = new Histogram().merge(outs[SHARDS].penUpToResult);
  const sum = (k: string) => outs.reduce((a, o) => a + o[k], 0);
  const [rooms, perRoom, writers, writingRooms = rooms] = args;
  return {
    sockets: `${rooms} x ${perRoom} (${writingRooms * writers} writing)`,
    sent: sum('sentPoints'),
    delivered: fanout.n,
    expected: sum('sentPoints') * (perRoom - 1),
    fanout: fanout.summary(),
    result: result.summary(),
    probe: probe.summary(),
    unanswered: sum('unanswered'),
    boot,
    peakRss: Math.max(peak, mb(end.rss)),
    end,
    errors: sum('errors'),
    closed: sum('closed') + sum('failed'),
    loadLag: Math.max(...outs.map((o) => o.loopDelayP99Ms)),
    serverCpu: Math.round((cpu1 - cpu0) * 10) / 10,
    loadCpu: Math.round(sum('cpuSeconds') * 10) / 10,
    framesPerClientPerSecond: Math.round(sum('frames') / (rooms * perRoom) / seconds),
    errorCodes: outs.reduce((a, o) => {
      for (const [k, v] of Object.entries(o.errorCodes as Record<string, number>)) a[k] = (a[k] ?? 0) + v;
      return a;
    }, {}),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.round(((s[s.length / 2 - 1] + s[s.length / 2]) / 2) * 1000) / 1000;
};
const cell = (runs: Run[], f: (r: Run) => number) => (runs.length > 1 ? `${median(runs.map(f))} (${runs.map(f).join(', ')})` : String(f(runs[0])));

/** --scenario <text>: only the scenarios whose name contains it (for quick comparisons). */
const ONLY = flag('--scenario');
const ALL_SCENARIOS: { name: string; args: LoadArgs; seconds?: number }[] = [
  { name: 'one room, 100 collaborators', args: [1, 100, 100] },
  { name: '200 rooms, 2,000 sockets, 200 writing', args: [200, 10, 1] },
  // Fewer writers on the same 2,000 sockets: how pen-up -> result depends on the load.
  { name: '200 rooms, 2,000 sockets, 100 writing', args: [200, 10, 1, 100] },
  { name: '200 rooms, 2,000 sockets, 50 writing', args: [200, 10, 1, 50] },
  { name: '200 rooms, 2,000 sockets, 20 writing', args: [200, 10, 1, 20] },
];
const SCENARIOS = ALL_SCENARIOS.filter((s) => !ONLY || s.name.includes(ONLY));
const runs = new Map<string, Run[]>();
let port = 3321;
for (let rep = 0; rep < REPS; rep++) {
  for (const s of SCENARIOS) {
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const r = await scenario(port++, s.args, variant, s.seconds);
      const key = `${s.name}|${variant}`;
      runs.set(key, [...(runs.get(key) ?? []), r]);
      console.error(`rep ${rep + 1}/${REPS} ${s.name} ${variant}: fan-out p99 ${r.fanout.p99} ms, result p99 ${r.result.p99} ms, probes p50/p99 ${r.probe.p50}/${r.probe.p99} ms, RSS peak ${r.peakRss} MB, server CPU ${r.serverCpu} s, load CPU ${r.loadCpu} s, frames/client/s ${r.framesPerClientPerSecond}, delivered ${r.delivered}/${r.expected}, load lag p99 ${r.loadLag} ms, errors ${JSON.stringify(r.errorCodes)}`);
    }
  }
}
// Memory at rest and per idle socket, once per variant.
const idle = new Map<Variant, Run>();
for (const variant of Object.keys(VARIANTS) as Variant[]) idle.set(variant, await scenario(port++, [200, 10, 0], variant, 3));

const benchArgs = [QUICK ? '--quick' : '', ONLY ? `--scenario '${ONLY}'` : '', REPS !== (QUICK ? 1 : 3) ? `--reps ${REPS}` : '', ONLY_VARIANTS ? `--variants '${ONLY_VARIANTS.join(',')}'` : '', BASELINE ? `--baseline ${BASELINE} --baseline-protocol ${BASELINE_PROTOCOL}` : '']
  .filter(Boolean)
  .join(' ');
log('## Realtime: shared boards\n');
log(
  `Made by \`npm run bench:realtime${benchArgs ? ` -- ${benchArgs}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} x ${os.cpus()[0]?.model}, Node ${process.version}, load average at the end ${os.loadavg()[0].toFixed(1)} (the machine is shared). ` +
    `Server and load generator are separate processes on loopback sharing the 2 cores (the load is split over ${SHARDS} processes); each scenario runs ${SECONDS} s, ${REPS} time(s), ` +
    `alternating the servers: ${Object.keys(VARIANTS).map((v) => `**${v}** = ${DESCRIPTIONS[v]}`).join('; ')}. Cells are medians, with each run in brackets.\n`,
);
log(
  'Writers send one point per frame at 60 Hz and lift the pen every 30 points (0.5 s), which triggers recognition; each writes single-stroke digits side by side in a column of the board of their own, six to a line (numbers of up to six digits), and undoes every eighth stroke. ' +
    '**Fan-out** is timed at every client in the room, for every point: arrival of the frame minus the send time carried in the point (one clock: all processes read the same machine clock). ' +
    'Receivers do not JSON-parse frames: they read the point\'s time from the bytes after `"type":"stroke-points"`, which makes timing all 100 x 99 receivers affordable; "points delivered" counts the timed (point, receiver) pairs against points sent x (clients per room - 1). ' +
    '**Pen-up -> result** is from sending `stroke-end` to the first `result` whose groups contain that stroke (a result from a run that started earlier does not count); "unanswered" pen-ups saw no result before the end. ' +
    `**Probes**: the first ${PROBES} writers run in a third load process that does nothing else, from 2 s after joining to 1 s before the end; a load process that receives thousands of frames a second runs late itself (last column), and that delay is part of what its writers measure. The probes' figures are the server's answer time as a client with an idle event loop sees it, under the same load (their pen-ups are not in the "pen-up -> result" columns).\n`,
);
log('| scenario | server | sockets | points sent | points delivered / expected | fan-out p50 (ms) | fan-out p99 (ms) | pen-up -> result p50 (ms) | p99 (ms) | probes: pen-up -> result p50 / p99 (ms) | unanswered | server RSS at boot / peak (MB) | server / load processes CPU during the run (s) | frames per client per s | errors | sockets closed or failed | load process loop delay p99 (ms) |');
log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const s of SCENARIOS) {
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const rs = runs.get(`${s.name}|${variant}`)!;
    log(
      `| ${s.name} | ${variant} | ${rs[0].sockets} | ${cell(rs, (r) => r.sent)} | ${cell(rs, (r) => Math.round((1000 * r.delivered) / Math.max(1, r.expected)) / 1000)} | ${cell(rs, (r) => r.fanout.p50)} | ${cell(rs, (r) => r.fanout.p99)} | ` +
        `${cell(rs, (r) => r.result.p50)} | ${cell(rs, (r) => r.result.p99)} | ${cell(rs, (r) => r.probe.p50)} / ${cell(rs, (r) => r.probe.p99)} | ${cell(rs, (r) => r.unanswered)} | ${cell(rs, (r) => mb(r.boot.rss))} / ${cell(rs, (r) => r.peakRss)} | ${cell(rs, (r) => r.serverCpu)} / ${cell(rs, (r) => r.loadCpu)} | ${cell(rs, (r) => r.framesPerClientPerSecond)} | ${cell(rs, (r) => r.errors)} | ${cell(rs, (r) => r.closed)} | ${cell(rs, (r) => r.loadLag)} |`,
    );
  }
}
log('\n### Where the server\'s memory goes (2,000 idle sockets in 200 rooms, `process.memoryUsage()`, MB)\n');
log('| server | RSS at boot | RSS with 2,000 sockets | per socket (KB) | V8 heap used / total | external | array buffers |');
log('|---|---|---|---|---|---|---|');
for (const [variant, r] of idle) {
  log(
    `| ${variant} | ${mb(r.boot.rss)} | ${mb(r.end.rss)} | ${Math.round((r.end.rss - r.boot.rss) / 2000 / 1024)} | ${mb(r.boot.heapUsed)} -> ${mb(r.end.heapUsed)} / ${mb(r.boot.heapTotal)} -> ${mb(r.end.heapTotal)} | ${mb(r.boot.external)} -> ${mb(r.end.external)} | ${mb(r.boot.arrayBuffers)} -> ${mb(r.end.arrayBuffers)} |`,
  );
}

const file = path.join(ROOT, 'docs', 'benchmarks.md');
const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
writeFileSync(file, replaceSection(doc, 'realtime', lines.join('\n')));
console.log('\nwrote docs/benchmarks.md (realtime section)');
