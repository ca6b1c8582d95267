/**
 * Joining a large stored board while another board pings (issue 17, item 2), against a built
 * server on loopback:
 *
 *   npm run build:server && npx tsx server/bench/board-load.ts [--mb 100] [--entry <dist/server/src/server.js>] [--max-bytes <n>]
 *
 * Writes a board file of about `mb` MB into a fresh DATA_DIR (strokes of 300 points drawn and
 * undone, as undo used to leave a file, and 40 live ones), starts the server, has a member of
 * another board ping every 10 ms, and times a join of the large board: hello -> welcome (or the
 * close that refuses it). Prints the join time, the other board's ping round trips from the
 * hello until 200 ms after the answer, and the server's RSS. Then restarts the server on the
 * same directory and does it again: a build that compacts has rewritten the file meanwhile.
 *
 * --entry runs another build (e.g. a worktree of an older commit); --max-bytes sets
 * BOARD_MAX_FILE_BYTES (builds that know it refuses larger boards; 64 MiB by default).
 *
 *   npx tsx server/bench/board-load.ts --undo-cycles 10000 [--entry <dist/server/src/server.js>]
 *
 * instead drives that build's FileRoomStore (dist/server/src/db/room-store.js) with the
 * records a room stores for 40 strokes of 200 points and then N undo/redo cycles of the last one
 * (an erase, and the stroke drawn again under a new id), 10 cycles per group-committed round, and
 * prints the file's size against the live board's (the board's records, one line each).
 */
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../common/protocol.js';
import { freePort } from '../cluster/ports.js';
import { rssMb, startServer, stopServer } from './server-process.js';

export const BIG_ROOM = 'BigBoardBigBoardBigBoa';
export const OTHER_ROOM = 'OtherBoardOtherBoardOt';

const strokeLine = (id: string) =>
  JSON.stringify({ t: 'stroke', stroke: { id, author: 'p', color: '#1f77b4', points: Array.from({ length: 300 }, (_, i) => [100 + (i % 200), 100 + ((i * 7) % 300), i * 16.7]) } }) + '\n';

/** Writes a board file of about `mb` MB: strokes drawn and undone, then `live` strokes that stay. */
export async function writeBigBoard(file: string, mb: number, live = 40): Promise<number> {
  mkdirSync(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  let bytes = 0;
  for (let k = 0; bytes < mb * 1e6; k++) {
    const chunk = strokeLine(`u${k}`) + JSON.stringify({ t: 'erase', ids: [`u${k}`] }) + '\n';
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  for (let k = 0; k < live; k++) out.write(strokeLine(`live${k}`));
  out.end();
  await new Promise<void>((r) => out.once('finish', () => r()));
  return statSync(file).size;
}

export interface JoinResult {
  /** hello -> welcome, or -> the close that refused the board (ms). */
  joinMs: number;
  welcomed: boolean;
  strokes: number;
  close: { code: number; reason: string } | null;
  /** The other board's ping round trips while the join was under way (ms), and pongs then. */
  pingMs: number[];
  /** Pongs the other board got between the hello and the answer to it. */
  pongsDuringJoin: number;
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

type Msg = { type: string; [k: string]: unknown };
const messages = (data: Buffer): Msg[] => {
  const parsed = JSON.parse(data.toString()) as Msg | Msg[];
  return Array.isArray(parsed) ? parsed : [parsed];
};

/** A member of OTHER_ROOM that pings every 10 ms, and a join of `room` timed meanwhile. */
export async function joinWhilePinging(base: string, room = BIG_ROOM): Promise<JoinResult> {
  const url = base.replace(/^http/, 'ws') + '/ws';
  const other = await open(url);
  const rtts: { at: number; ms: number }[] = [];
  await new Promise<void>((resolve) => {
    other.on('message', (data: Buffer) => {
      for (const m of messages(data)) {
        if (m.type === 'welcome') resolve();
        if (m.type === 'pong') rtts.push({ at: performance.now(), ms: performance.now() - (m.t as number) });
      }
    });
    other.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, room: OTHER_ROOM }));
  });
  const pinger = setInterval(() => other.send(JSON.stringify({ type: 'ping', t: performance.now() })), 10);
  await new Promise((r) => setTimeout(r, 200));
  const big = await open(url);
  const start = performance.now();
  const answer = await new Promise<{ welcome: Msg | null; close: { code: number; reason: string } | null }>((resolve) => {
    big.on('message', (data: Buffer) => {
      for (const m of messages(data)) if (m.type === 'welcome') resolve({ welcome: m, close: null });
    });
    big.once('close', (code, reason) => resolve({ welcome: null, close: { code, reason: reason.toString() } }));
    big.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, room }));
  });
  const end = performance.now();
  // Pings sent during the join may be answered after it: their round trips count.
  await new Promise((r) => setTimeout(r, 200));
  clearInterval(pinger);
  big.close();
  other.close();
  const during = rtts.filter((r) => r.at - r.ms >= start && r.at - r.ms <= end + 200);
  return {
    joinMs: end - start,
    welcomed: answer.welcome !== null,
    strokes: ((answer.welcome?.board as { strokes?: unknown[] } | undefined)?.strokes ?? []).length,
    close: answer.close,
    pingMs: during.map((r) => r.ms),
    pongsDuringJoin: rtts.filter((r) => r.at >= start && r.at <= end).length,
  };
}


const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

export function describeJoin(r: JoinResult): string {
  const answer = r.welcomed ? `welcome with ${r.strokes} strokes` : `close ${r.close?.code} "${r.close?.reason}"`;
  return (
    `join ${r.joinMs.toFixed(0)} ms (${answer}); other board's ping p50 ${pct(r.pingMs, 50).toFixed(1)} ms, ` +
    `p99 ${pct(r.pingMs, 99).toFixed(1)} ms, max ${Math.max(...r.pingMs).toFixed(1)} ms over ${r.pingMs.length} pings, ${r.pongsDuringJoin} pongs during the join`
  );
}

interface StoreLike {
  load(room: string): Promise<{ strokes: unknown[] }>;
  append(room: string, record: unknown): Promise<void>;
  release?(room: string): Promise<void>;
  close(): Promise<void>;
}

async function undoCycles(entry: string, cycles: number): Promise<void> {
  // Where the build keeps its FileRoomStore: db/ now, realtime/ in builds before issue 19.
  const dist = ['db/room-store.js', 'realtime/room-store.js'].map((p) => path.resolve(path.dirname(entry), p)).find((p) => existsSync(p)) ?? '';
  const { FileRoomStore } = (await import(dist)) as { FileRoomStore: new (dir: string) => StoreLike };
  const dir = mkdtempSync(path.join(tmpdir(), 'undo-cycles-'));
  const room = 'UndoCyclesUndoCyclesUn';
  const inked = (id: string) => ({ id, author: 'p', color: '#1f77b4', points: Array.from({ length: 200 }, (_, i) => [i % 1600, (i * 7) % 1000]) });
  try {
    const store = new FileRoomStore(dir);
    await store.load(room);
    const ids = Array.from({ length: 40 }, (_, i) => `s${i}`);
    await Promise.all(ids.map((id) => store.append(room, { t: 'stroke', stroke: inked(id) })));
    const started = performance.now();
    for (let c = 0; c < cycles; c += 10) {
      const round: Promise<void>[] = [];
      for (let k = c; k < Math.min(cycles, c + 10); k++) {
        round.push(store.append(room, { t: 'erase', ids: [ids.pop()!] }));
        ids.push(`r${k}`);
        round.push(store.append(room, { t: 'stroke', stroke: inked(`r${k}`) }));
      }
      await Promise.all(round);
    }
    const ms = performance.now() - started;
    const file = path.join(dir, `${room}.jsonl`);
    const live = ids.reduce((n, id) => n + Buffer.byteLength(JSON.stringify({ t: 'stroke', stroke: inked(id) }) + '\n'), 0);
    const size = statSync(file).size;
    console.log(`build: ${entry}; ${cycles} undo/redo cycles in ${(ms / 1000).toFixed(1)} s: file ${size} bytes, live board ${live} bytes (${(size / live).toFixed(2)}x)`);
    if (store.release) {
      await store.release(room);
      console.log(`once released (the room dropped when idle): file ${statSync(file).size} bytes (${(statSync(file).size / live).toFixed(2)}x)`);
    }
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' }, entry: { type: 'string' }, 'max-bytes': { type: 'string' }, 'undo-cycles': { type: 'string' } } });
  if (values['undo-cycles']) return undoCycles(values.entry ?? path.resolve('dist/server/src/server.js'), Number(values['undo-cycles']));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'board-load-'));
  const file = path.join(dataDir, 'rooms', `${BIG_ROOM}.jsonl`);
  const size = await writeBigBoard(file, Number(values.mb));
  const port = await freePort();
  const env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, 'digitboard.db')}` };
  if (values['max-bytes']) env.BOARD_MAX_FILE_BYTES = values['max-bytes'];
  console.log(`build: ${values.entry ?? 'dist/'}; board file ${(size / 1e6).toFixed(1)} MB${values['max-bytes'] ? `, BOARD_MAX_FILE_BYTES ${values['max-bytes']}` : ''}`);
  try {
    // Twice: the second server finds the file as the first left it (compacted, by a build that compacts).
    for (const run of ['first start', 'after a restart']) {
      const server = await startServer(port, env, values.entry ? { script: values.entry } : {});
      try {
        const pid = server.pid!;
        const rssBefore = rssMb(pid);
        let peak = rssBefore;
        const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
        const r = await joinWhilePinging(`http://127.0.0.1:${port}`);
        clearInterval(sampler);
        console.log(`${run}: ${describeJoin(r)}; RSS ${rssBefore} -> peak ${peak} MB`);
      } finally {
        await stopServer(server);
      }
      console.log(`board file after it: ${(statSync(file).size / 1e6).toFixed(2)} MB`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
