/**
 * Realtime load generator, run as its own process(es) on loopback:
 *   room-load <ws url> <rooms> <clientsPerRoom> <writersPerRoom> <seconds> [shard shards epoch protocol writingRooms probes]
 * Client `index` of room `r` belongs to this process when (r + index) % shards === shard, so
 * several processes can share one scenario, even one room, with the writers spread evenly. Only
 * the first `writingRooms` rooms (default: all) have writers; the others only watch.
 *
 * Probes: the first `probes` writers (default 0) run in a process of their own, started with
 * shard `probe`, which does nothing else; the other shards leave them out. A client's own event
 * loop is part of what it measures, and a load process that receives thousands of frames a
 * second runs 17-27 ms late at p99 (its "loop delay"): the probes' pen-up -> result is the
 * server's answer time as a client with an idle loop sees it, under the same load. They start
 * 2 s after joining (when the load is under way) and stop 1 s before the others.
 *
 * Writers stream one point per frame at 60 Hz and lift the pen every 30 points. Every point
 * carries its send time t = ms since `epoch` (a wall-clock instant in ms that all shards share:
 * performance.timeOrigin + performance.now() is the same clock in every process on a machine).
 *
 * How latency is measured:
 *  - fan-out: EVERY client (writers and watchers alike) times EVERY `stroke-points` message it
 *    receives: arrival time (taken once per frame, before anything else is done with the frame)
 *    minus the point's t. To keep 100-2,000 receivers cheap, frames are not JSON-parsed: the
 *    point's t is read straight from the bytes after `"type":"stroke-points"` ... `"points":[[x,y,`
 *    (the server's JSON.stringify key order), and ws skips UTF-8 validation. `delivered` counts
 *    the timed points; it should be (points sent) x (clients per room - 1), minus points still in
 *    flight when the run ends.
 *  - pen-up -> result: a writer times from sending `stroke-end` to the first `result` whose
 *    groups list that stroke's id (an earlier run's result, which cannot contain it, does not
 *    count). Strokes the writer undoes right away are not timed. `unanswered` counts pen-ups
 *    that never saw their result before the run ended.
 * Prints JSON with mergeable histograms.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../common/protocol.js';
import { Histogram } from './stats.js';

const [url, roomsArg, perRoomArg, writersArg, secondsArg, shardArg = '0', shardsArg = '1', epochArg, protocolArg, writingRoomsArg, probesArg = '0'] = process.argv.slice(2);
/** The server's protocol (an older build under comparison may speak an older one). */
const protocol = protocolArg ? Number(protocolArg) : PROTOCOL_VERSION;
const rooms = Number(roomsArg), perRoom = Number(perRoomArg), writersPerRoom = Number(writersArg), seconds = Number(secondsArg);
const probing = shardArg === 'probe';
const shard = probing ? -1 : Number(shardArg), shards = Number(shardsArg);
const writingRooms = writingRoomsArg ? Number(writingRoomsArg) : rooms;
const probes = Number(probesArg);
const PROBE_START_MS = 2000;
const epoch = epochArg ? Number(epochArg) : performance.timeOrigin + performance.now();
/** Ms since the shared epoch (points' t must stay within the protocol's +-100,000). */
const clock = () => performance.timeOrigin + performance.now() - epoch;

const fanout = new Histogram();
const results = new Histogram();
let frames = 0, bytes = 0, resultBytes = 0, sent = 0, errors = 0, closed = 0, unanswered = 0, failed = 0;
const tenth = (v: number) => Math.round(v * 10) / 10;
const wobble = () => Math.random() * 3 - 1.5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const roomId = (i: number) => `bench${String(i).padStart(17, '0')}`;

const POINTS_MSG = Buffer.from('"type":"stroke-points"');
const RESULT_MSG = Buffer.from('{"type":"result"');
const ANY_MSG = Buffer.from('{"type":"');
const ERROR_MSG = Buffer.from('"type":"error"');
const COMMA = 0x2c, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;

/** Times every stroke-points message in a frame without parsing it. */
function timePoints(data: Buffer, now: number): void {
  for (let i = data.indexOf(POINTS_MSG); i >= 0; i = data.indexOf(POINTS_MSG, i + POINTS_MSG.length)) {
    // One native search per message; the few bytes to the point's t are walked here (a search
    // call per comma cost more than the walk: 45% of a load process's CPU).
    let j = i + POINTS_MSG.length;
    while (j + 1 < data.length && !(data[j] === OPEN_BRACKET && data[j + 1] === OPEN_BRACKET)) j++;
    let commas = 0;
    for (j += 2; j < data.length && commas < 2; j++) if (data[j] === COMMA) commas++;
    const t = readNumber(data, j);
    if (Number.isFinite(t)) fanout.add(now - t);
    else errors++;
  }
}

/** The plain decimal number (-12.3) that starts at `at`; NaN for anything else. */
function readNumber(data: Buffer, at: number): number {
  let k = at;
  const negative = data[k] === 0x2d;
  if (negative) k++;
  let value = 0, scale = 0, digits = 0;
  for (; k < data.length; k++) {
    const c = data[k];
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      if (scale) scale *= 10;
      digits++;
    } else if (c === 0x2e && !scale) scale = 1;
    else break;
  }
  if (digits === 0 || (data[k] !== CLOSE_BRACKET && data[k] !== COMMA)) return NaN;
  return (negative ? -value : value) / (scale || 1);
}

const CODE = Buffer.from('"code":"');
const errorCodes: Record<string, number> = {};
function countErrors(data: Buffer): void {
  for (let i = data.indexOf(ERROR_MSG); i >= 0; i = data.indexOf(ERROR_MSG, i + 1)) {
    errors++;
    const c = data.indexOf(CODE, i) + CODE.length;
    const code = data.toString('latin1', c, data.indexOf(0x22, c));
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
  }
}

async function client(room: string, writer: boolean, index: number): Promise<void> {
  let welcomed = false;
  let onWelcome!: () => void;
  const welcome = new Promise<void>((r) => (onWelcome = r));
  joined.push(welcome);
  const ws = new WebSocket(url, { skipUTF8Validation: true });
  // A socket that fails (refused or reset while 2,000 connect on a busy machine) is counted, not
  // fatal: the run goes on, and `failed` says how many clients it lacked.
  // An error after the socket opened is counted by the close that follows it.
  let opened = false;
  ws.on('error', () => {
    if (!opened) failed++;
  });
  opened = await new Promise<boolean>((resolve) => ws.once('open', () => resolve(true)).once('close', () => resolve(false)));
  if (!opened) {
    onWelcome();
    return;
  }
  /** Pen-ups waiting for their result: stroke id (quoted, as bytes) -> time of stroke-end. */
  const pending = new Map<string, { quoted: Buffer; t0: number }>();
  ws.on('message', (data: Buffer) => {
    const now = clock();
    frames++;
    bytes += data.length;
    if (!welcomed) {
      // The welcome frame (board snapshot, presence) is parsed once; everything after is scanned.
      const parsed = JSON.parse(data.toString());
      if ((Array.isArray(parsed) ? parsed : [parsed]).some((m: { type: string }) => m.type === 'welcome')) {
        welcomed = true;
        onWelcome();
      }
      return;
    }
    timePoints(data, now);
    countErrors(data);
    for (let r = data.indexOf(RESULT_MSG); r >= 0; r = data.indexOf(RESULT_MSG, r + 1)) {
      // A result message ends where the next message begins (no object inside a result has a
      // "type" key), or with the frame.
      const next = data.indexOf(ANY_MSG, r + 1);
      const end = next < 0 ? data.length : next;
      resultBytes += end - r;
      for (const [id, p] of pending) {
        const at = data.indexOf(p.quoted, r);
        if (at >= 0 && at < end) {
          results.add(now - p.t0);
          pending.delete(id);
        }
      }
    }
  });
  ws.on('close', () => closed++);
  ws.send(JSON.stringify({ type: 'hello', protocol, room }));
  await welcome;
  if (!writer) return;
  await everyoneIn; // a watcher that joins late would miss points
  if (probing) await sleep(PROBE_START_MS);
  const end = performance.now() + (probing ? seconds * 1000 - PROBE_START_MS - 1000 : seconds * 1000);
  // Each writer writes numbers as people do, in a column of the board of their own: six
  // single-stroke digits side by side (each pen-up re-recognizes a number of up to six digits),
  // then the next line. (Until 2026-11-22 every stroke of a writer landed on the same spot: one
  // pile whose recognition cost grew with every stroke, which no one writes.)
  const x0 = index * 330;
  let stroke = 0;
  // A random start within one stroke's time: writers do not lift their pens in unison (until
  // 2026-11-22 they started within 16 ms of each other, and 100 pen-ups arrived together every 0.5 s).
  await sleep(Math.random() * 500);
  while (performance.now() < end) {
    const x = x0 + (stroke % 6) * 40, y = Math.floor(stroke / 6) * 120;
    const id = `w${index}-${stroke++}`;
    let next = performance.now();
    for (let k = 0; k < 30; k++) {
      // Coordinates to 0.1 px as the browser client sends them; t to 0.1 ms (the server keeps a tenth).
      // Each point moves by up to 1.5 px: no two strokes are the same ink (200 rooms' writers
      // share the same layout, and the server keeps recognitions of digits it has already seen).
      const pt = [tenth(x + 20 + 25 * Math.sin(k / 5) + wobble()), tenth(y + k * 3 + wobble()), tenth(clock())];
      ws.send(JSON.stringify(k === 0 ? { type: 'stroke-begin', strokeId: id, points: [pt] } : { type: 'stroke-points', strokeId: id, points: [pt] }));
      if (k > 0) sent++;
      next += 1000 / 60;
      await sleep(Math.max(0, next - performance.now()));
    }
    ws.send(JSON.stringify({ type: 'stroke-end', strokeId: id }));
    if (stroke % 8 === 0) ws.send(JSON.stringify({ type: 'undo' }));
    else pending.set(id, { quoted: Buffer.from(JSON.stringify(id)), t0: clock() });
  }
  await sleep(500);
  unanswered += pending.size;
  pending.clear();
}

const joined: Promise<void>[] = [];
let allIn!: () => void;
/** Resolves once every client of this process is in its room (the other shards join meanwhile). */
const everyoneIn = new Promise<void>((r) => (allIn = r)).then(() => sleep(500));
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const tasks: Promise<void>[] = [];
for (let r = 0; r < rooms; r++) {
  for (let c = 0; c < perRoom; c++) {
    const writer = r < writingRooms && c < writersPerRoom;
    const probe = writer && r * writersPerRoom + c < probes;
    if (probing ? !probe : probe || (r + c) % shards !== shard) continue;
    tasks.push(client(roomId(r), writer, c));
    if (tasks.length % 100 === 0) await sleep(20); // do not open 2,000 sockets in one burst
  }
}
await Promise.all(joined);
allIn();
const connectedAt = performance.now();
await Promise.all(tasks); // watchers resolve once welcomed, writers when they are done
// Stay connected as long as the writers of the other shards write, and for points in flight.
await sleep(Math.max(600, connectedAt + seconds * 1000 + 1000 - performance.now()));
lag.disable();
// Exit only once the (large) line is flushed: a pipe takes it asynchronously.
process.stdout.write(
  JSON.stringify({
    rooms,
    perRoom,
    writers: writingRooms * writersPerRoom,
    clients: tasks.length,
    sentPoints: sent,
    frames,
    bytes,
    resultBytes,
    fanout: fanout.toJSON(),
    penUpToResult: results.toJSON(),
    unanswered,
    errors,
    errorCodes,
    closed,
    failed,
    loopDelayP99Ms: Math.round(lag.percentile(99) / 1e4) / 100,
    cpuSeconds: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e5) / 10,
  }) + '\n',
  () => process.exit(0),
);
