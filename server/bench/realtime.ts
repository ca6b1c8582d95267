/**
 * npm run bench:realtime: shared boards under load, load clients in a separate process on
 * loopback; writes its section of docs/benchmarks.md.
 *  A. one room, 100 collaborators all writing at 60 Hz: point -> every other client;
 *  B. 2,000 sockets across 200 rooms, one writer per room: fan-out, server RSS, and
 *     pen-up -> result under that load.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { ROOT } from '../src/config.js';
import { replaceSection, rssMb, startServer, stopServer } from './server-process.js';

const QUICK = process.argv.includes('--quick');
const SECONDS = QUICK ? 5 : 15;
const lines: string[] = [];
const log = (s = '') => {
  console.log(s);
  lines.push(s);
};

async function scenario(name: string, port: number, args: [number, number, number]): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-rooms-'));
  const server = await startServer(port, { DATA_DIR: dataDir });
  let peak = rssMb(server.pid!);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid!))), 500);
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/bench/room-load.ts'), `ws://127.0.0.1:${port}/ws`, ...args.map(String), String(SECONDS)], { maxBuffer: 1 << 24 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    ),
  );
  clearInterval(sampler);
  const after = rssMb(server.pid!);
  await stopServer(server);
  rmSync(dataDir, { recursive: true, force: true });
  const r = JSON.parse(out.trim().split('\n').at(-1)!);
  log(`| ${name} | ${r.rooms} x ${r.perRoom} (${r.writers} writing) | ${r.sentPoints} | ${r.receivedMessages} | ${r.fanout.p50} | ${r.fanout.p99} | ${r.penUpToResult.p50} | ${r.penUpToResult.p99} | ${peak} / ${after} | ${r.errors} | ${r.closed} |`);
}

log('## Realtime: shared boards\n');
log(`Made by \`npm run bench:realtime${QUICK ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} x ${os.cpus()[0]?.model}, Node ${process.version}. Server and load generator are separate processes on loopback sharing the 2 cores; each scenario runs ${SECONDS} s. Writers send one point per frame at 60 Hz and lift the pen every 30 points (0.5 s), which triggers recognition; "fan-out" is the time from a point leaving its writer to arriving at another client in the room, timed at 3 receivers per room plus the writers (every client receives everything; only the sample parses, so that the load process is not the bottleneck).\n`);
log('| scenario | sockets | points sent | frames received | fan-out p50 (ms) | fan-out p99 (ms) | pen-up -> result p50 (ms) | p99 (ms) | server RSS peak / end (MB) | errors | closed |');
log('|---|---|---|---|---|---|---|---|---|---|---|');
await scenario('one room, 100 collaborators', 3321, [1, 100, 100]);
await scenario('200 rooms, 2,000 sockets', 3322, [200, 10, 1]);

const file = path.join(ROOT, 'docs', 'benchmarks.md');
const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
writeFileSync(file, replaceSection(doc, 'realtime', lines.join('\n')));
console.log('\nwrote docs/benchmarks.md (realtime section)');
