/**
 * Reading accuracy on the held-out sets (server/bench/heldout, issue 16), measured through the
 * built server as users reach it: ink written stroke by stroke on boards (WebSocket protocol) and
 * sent to POST /api/recognize, images uploaded raw. Arithmetic (issue 20) is read the same three
 * ways (boards, several writers for a column; REST ink; the ink as a PNG) and scored by the value
 * shown: right, wrong, or none; with a pen-up -> result row for an expression beside a plain
 * number. With --before, another checkout's built server is measured first and the two are shown
 * side by side.
 *
 *   npx tsx server/bench/reading.ts [--quick] [--before <other checkout>/dist/server/src/server.js] [--sets math,numbers]
 *
 * --sets keeps the sets whose names contain one of the words (the latency row comes with "math");
 * such a partial run prints its tables but leaves docs/benchmarks.md alone. A whole run writes them
 * into docs/benchmarks.md (<!-- bench:reading -->). Every item's outcome, with what was read for
 * each failure, goes to /tmp/digitboard-reading/.
 */
import WebSocket from 'ws';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GroupResult } from '../../common/protocol.js';
import type { MathItem } from '../../common/recognition.js';
import { applyDelta } from '../../common/result-delta.js';
import { ROOT } from '../src/config.js';
import {
  BOARD, heldoutSets, LATENCY_TEXTS, latencyPairs, mathSets, scoreMath, timingPngs,
  type ArithmeticItem, type ArithmeticSet, type HeldoutSet, type ImageItem, type MathReading,
} from './heldout/index.js';
import type { Ink } from './heldout/ink.js';
import { inkPng } from './heldout/ink-png.js';
import { replaceSection, serverProtocol, startServer, stopServer } from './server-process.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const beforeAt = args.indexOf('--before');
const BEFORE = beforeAt >= 0 ? path.resolve(args[beforeAt + 1] ?? '') : undefined;
const setsAt = args.indexOf('--sets');
const SETS = setsAt >= 0 ? (args[setsAt + 1] ?? '').toLowerCase().split(',').filter(Boolean) : undefined;
const selected = (name: string) => !SETS || SETS.some((word) => name.toLowerCase().includes(word));
const OUT_DIR = '/tmp/digitboard-reading';
/** Items in flight at once: boards, REST ink, small images. Photos go one at a time (they are timed). */
const BOARD_CONCURRENCY = 6;
const REST_CONCURRENCY = 4;
/** Points per stroke-points message (the browser sends a frame's worth, a few points). */
const CHUNK = 32;
/** A board that has settled without every stroke in exactly one number (ink a server drops) is read after this quiet. */
const QUIET_MS = 500;
const ITEM_TIMEOUT_MS = 20_000;
/** Boards per pen-up timing (each an expression and a plain number), after warm-ups; one board at a time. */
const LATENCY_REPS = QUICK ? 6 : 24;
const LATENCY_WARMUP = 2;
/** How long a pen-up's value is waited for once its result has come without one. */
const VALUE_WAIT_MS = 2_000;

interface Outcome {
  set: string;
  id: string;
  note: string;
  expect: string[];
  /** What the board ended with (texts of its numbers, reading order), if measured. */
  board?: string[];
  boardPass?: boolean;
  boardSettled?: 'covered' | 'quiet' | 'timeout' | 'error';
  /** The protocol error or socket failure, when boardSettled is 'error'. */
  boardError?: string;
  /** What REST read, if measured. */
  rest?: string;
  restPass?: boolean;
  ms?: number;
}

/** What one path showed for an arithmetic item. */
interface MathPath {
  reading: MathReading;
  /** The values shown ("expression 12+30 = 42"), for failures. */
  shown: string;
  /** What was read: the board's numbers' texts, or REST's text. */
  read: string[];
  settled?: Outcome['boardSettled'];
  error?: string;
}

interface MathOutcome {
  set: string;
  id: string;
  note: string;
  written: string;
  expect: ArithmeticItem['expect'];
  board: MathPath;
  ink: MathPath;
  image: MathPath;
}

const MATH_PATHS = ['board', 'ink', 'image'] as const;
type MathPathName = (typeof MATH_PATHS)[number];
const PATH_LABEL: Record<MathPathName, string> = { board: 'boards', ink: 'REST ink', image: 'REST PNG' };

/** Pen-up -> result medians (ms) and how many pen-ups were timed. */
interface Latency {
  /** "12+30=": to the first result holding its last stroke, and to the first that shows a value. */
  expressionResult: number | null;
  expressionValue: number | null;
  /** How many expressions showed no value within VALUE_WAIT_MS of their result. */
  noValue: number;
  plainResult: number | null;
  n: number;
}

interface ServerRun {
  label: string;
  script: string;
  model: string;
  outcomes: Outcome[];
  math: MathOutcome[];
  latency?: Latency;
  timing: { photoMs: number | null; pngMs: number | null };
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hasDigit = (text: string) => /\d/.test(text);
const median = (v: number[]) => {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `work` over items with at most `limit` in flight, results in item order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]);
      }
    }),
  );
  return out;
}

interface Member {
  room: string;
  send: (m: unknown) => void;
  /**
   * Resolves on the welcome ('welcome') or a stroke's ack ('ack:<id>'); rejects if the socket
   * closes, the server refuses the stroke (an error naming it), or it times out (the error says
   * the last error the server sent, if any).
   */
  wait: (key: string) => Promise<void>;
  close: () => void;
}

/** Joins a board (`hello.room`, or a new one without it); `onMessage` sees every message the member receives. */
async function join(port: number, hello: Record<string, unknown>, onMessage: (msg: any) => void): Promise<Member> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const waiters = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  let room = '';
  let lastError = '';
  ws.on('message', (data) => {
    const parsed = JSON.parse(data.toString());
    for (const msg of Array.isArray(parsed) ? parsed : [parsed]) {
      if (msg.type === 'ack') waiters.get(`ack:${msg.strokeId}`)?.resolve();
      else if (msg.type === 'welcome') {
        room = msg.room;
        waiters.get('welcome')?.resolve();
      } else if (msg.type === 'error') {
        lastError = `${msg.code}: ${msg.message}`;
        if (msg.strokeId) waiters.get(`ack:${msg.strokeId}`)?.reject(new Error(`refused ${msg.strokeId} (${lastError})`));
      }
      onMessage(msg);
    }
  });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const wait = (key: string) =>
    Promise.race([
      new Promise<void>((resolve, reject) => waiters.set(key, { resolve, reject })),
      closed.then(() => {
        throw new Error(`socket closed waiting for ${key}`);
      }),
      sleep(ITEM_TIMEOUT_MS).then(() => {
        throw new Error(`timed out waiting for ${key}${lastError ? ` (last error from the server: ${lastError})` : ''}`);
      }),
    ]);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  // A socket error after the open is followed by its close, which the waits above report.
  ws.on('error', () => {});
  const welcomed = wait('welcome');
  ws.send(JSON.stringify(hello));
  await welcomed;
  return { room, send: (m) => ws.send(JSON.stringify(m)), wait, close: () => ws.close() };
}

/** Writes one stroke as the browser sends it (a frame's worth of points at a time) and waits for its ack. */
async function writeStroke(member: Member, strokeId: string, stroke: Ink[number], beforeEnd?: () => void): Promise<void> {
  const acked = member.wait(`ack:${strokeId}`);
  member.send({ type: 'stroke-begin', strokeId, points: stroke.slice(0, CHUNK) });
  for (let k = CHUNK; k < stroke.length; k += CHUNK) member.send({ type: 'stroke-points', strokeId, points: stroke.slice(k, k + CHUNK) });
  beforeEnd?.();
  member.send({ type: 'stroke-end', strokeId });
  await acked;
}

interface BoardRead {
  texts: string[];
  /** Every expression on the board (its numbers' `result.math`) and the latest result's `sums`. */
  math: MathItem[];
  settled: Outcome['boardSettled'];
  error?: string;
}

/**
 * Writes one item on a fresh board, stroke by stroke (each stroke acknowledged before the next,
 * as a hand lifts and comes down again), each stroke by its writer (one socket per writer, all in
 * the room; the first one's view is read: every member receives every result), and returns the
 * board's numbers once every stroke is in exactly one number recognized after the last pen-up.
 * With `quiet`, it also waits until the board has said nothing for QUIET_MS (a column's sum may
 * follow its numbers).
 */
async function readOnBoard(port: number, protocol: number, item: { id: string; strokes: Ink; writers?: number[] }, quiet = false): Promise<BoardRead> {
  let groups: GroupResult[] = [];
  let sums: MathItem[] = [];
  let strokesSeen = 0;
  let lastMessage = performance.now();
  let failure: string | undefined;
  const members: Member[] = [];
  const watch = (reader: boolean) => (msg: any) => {
    lastMessage = performance.now();
    if (msg.type === 'error') failure = `${msg.code}: ${msg.message}`;
    else if (reader && msg.type === 'result') {
      groups = applyDelta(groups, msg);
      strokesSeen = msg.strokes;
      if (Array.isArray(msg.sums)) sums = msg.sums;
    }
  };
  const read = (settled: Outcome['boardSettled'], error?: string): BoardRead => ({
    texts: groups.map((g) => g.result.text),
    math: [...groups.flatMap((g) => g.result.math ?? []), ...sums],
    settled,
    error,
  });
  try {
    const writers = item.writers ?? item.strokes.map(() => 0);
    members.push(await join(port, { type: 'hello', protocol }, watch(true)));
    for (let w = 1; w <= Math.max(...writers); w++) members.push(await join(port, { type: 'hello', protocol, room: members[0].room }, watch(false)));
    const ids = item.strokes.map((_, i) => `${item.id}-s${i}`);
    for (const [i, stroke] of item.strokes.entries()) await writeStroke(members[writers[i]], ids[i], stroke);
    const acked = performance.now();
    for (;;) {
      if (failure) return read('error', failure);
      if (strokesSeen === ids.length) {
        const count = new Map<string, number>();
        for (const g of groups) for (const id of g.strokeIds) count.set(id, (count.get(id) ?? 0) + 1);
        const silent = performance.now() - lastMessage > QUIET_MS;
        if (ids.every((id) => count.get(id) === 1) && (!quiet || silent)) return read('covered');
        if (silent) return read('quiet');
      }
      if (performance.now() - acked > ITEM_TIMEOUT_MS) return read('timeout');
      await sleep(5);
    }
  } catch (err) {
    return read('error', failure ?? (err as Error).message);
  } finally {
    for (const m of members) m.close();
  }
}

/**
 * Pen-up -> result on a fresh board, one writer: the time from the last stroke's stroke-end to the
 * first result whose numbers hold that stroke, and to the first result that shows a value.
 */
async function timePenUp(port: number, protocol: number, id: string, strokes: Ink): Promise<{ result: number | null; value: number | null }> {
  const last = `${id}-s${strokes.length - 1}`;
  let t0 = 0, result: number | null = null, value: number | null = null;
  let groups: GroupResult[] = [];
  const member = await join(port, { type: 'hello', protocol }, (msg) => {
    if (msg.type !== 'result') return;
    const now = performance.now();
    groups = applyDelta(groups, msg);
    if (!t0) return;
    if (result === null && groups.some((g) => g.strokeIds.includes(last))) result = now - t0;
    const shown = [...groups.flatMap((g) => g.result.math ?? []), ...(msg.sums ?? [])].some((m: MathItem) => m.value !== null);
    if (value === null && shown) value = now - t0;
  });
  try {
    for (const [i, stroke] of strokes.entries()) {
      const isLast = i === strokes.length - 1;
      await writeStroke(member, `${id}-s${i}`, stroke, isLast ? () => (t0 = performance.now()) : undefined);
    }
    const deadline = performance.now() + ITEM_TIMEOUT_MS;
    while (result === null && performance.now() < deadline) await sleep(2);
    const valueDeadline = performance.now() + VALUE_WAIT_MS;
    while (value === null && performance.now() < valueDeadline) await sleep(2);
    return { result, value };
  } finally {
    member.close();
  }
}

/** The pen-up timing: "12+30=" and "1230" by the same writer on boards of their own, alternating. */
async function measureLatency(port: number, protocol: number): Promise<Latency> {
  const pairs = latencyPairs(LATENCY_WARMUP + LATENCY_REPS);
  const exprResult: number[] = [], exprValue: number[] = [], plain: number[] = [];
  let noValue = 0;
  for (const [k, pair] of pairs.entries()) {
    const e = await timePenUp(port, protocol, `lat-e${k}`, pair.expression);
    const p = await timePenUp(port, protocol, `lat-p${k}`, pair.plain);
    if (k < LATENCY_WARMUP) continue;
    if (e.result !== null) exprResult.push(e.result);
    if (e.value !== null) exprValue.push(e.value);
    else noValue++;
    if (p.result !== null) plain.push(p.result);
  }
  return { expressionResult: median(exprResult), expressionValue: median(exprValue), noValue, plainResult: median(plain), n: LATENCY_REPS };
}

/** POST /api/recognize; an error answer reads as its status and code in angle brackets (and no math). */
async function post(port: number, body: string | Buffer, type: string): Promise<{ text: string; math: MathItem[]; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/recognize`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const json = (await res.json()) as { text?: string; code?: string; math?: MathItem[] };
  const ms = performance.now() - t0;
  return { text: res.ok ? (json.text ?? '') : `<${res.status} ${json.code ?? ''}>`, math: res.ok ? (json.math ?? []) : [], ms };
}

const inkPass = (measure: 'exact' | 'abstain', expect: string[], texts: string[]) =>
  measure === 'abstain' ? !texts.some(hasDigit) : texts.length === expect.length && texts.every((t, i) => t === expect[i]);

/** Encoded images are made once and reused for the second server (the photos, a few MB each, included). */
const encoded = new Map<string, Buffer>();
async function bytesOf(item: Pick<ImageItem, 'id' | 'make'>): Promise<Buffer> {
  let b = encoded.get(item.id);
  if (!b) {
    b = await item.make();
    encoded.set(item.id, b);
  }
  return b;
}

/** An arithmetic set read on boards, as REST ink and as a PNG of the same ink. */
async function measureMath(port: number, protocol: number, set: ArithmeticSet): Promise<MathOutcome[]> {
  const inkBody = (item: ArithmeticItem) => JSON.stringify({ strokes: item.strokes, width: BOARD.width, height: BOARD.height });
  const boards = await pool(set.items, BOARD_CONCURRENCY, (item) => readOnBoard(port, protocol, item, true));
  const inks = await pool(set.items, REST_CONCURRENCY, (item) => post(port, inkBody(item), 'application/json'));
  const images = await pool(set.items, REST_CONCURRENCY, async (item) => post(port, await bytesOf({ id: `math-${item.id}`, make: () => inkPng(item.strokes, item.picture) }), 'image/png'));
  return set.items.map((item, i) => {
    const rest = (r: { text: string; math: MathItem[] }): MathPath => ({ ...scoreMath(item.expect, r.math), read: [r.text] });
    const b = boards[i];
    // A board that failed (a protocol error, a timeout) shows nothing the bench can trust.
    const board: MathPath =
      b.settled === 'error' || b.settled === 'timeout'
        ? { reading: 'none', shown: '', read: b.texts, settled: b.settled, error: b.error }
        : { ...scoreMath(item.expect, b.math), read: b.texts, settled: b.settled };
    return { set: set.name, id: item.id, note: item.note, written: item.written, expect: item.expect, board, ink: rest(inks[i]), image: rest(images[i]) };
  });
}

async function measureServer(label: string, script: string, sets: HeldoutSet[], math: ArithmeticSet[], port: number): Promise<ServerRun> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `digitboard-reading-${label}-`));
  const started = performance.now();
  const child = await startServer(port, { DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, 'digitboard.db')}` }, { script });
  try {
    const model = ((await (await fetch(`http://127.0.0.1:${port}/api/model`)).json()) as { version?: string }).version ?? '?';
    const protocol = await serverProtocol(port);
    console.log(`\n[${label}] ${script} (model ${model}, protocol ${protocol})`);
    const outcomes: Outcome[] = [];
    let photoTimes: number[] = [];
    for (const set of sets) {
      const t0 = performance.now();
      if (set.kind === 'ink') {
        const boards = await pool(set.items, BOARD_CONCURRENCY, (item) => readOnBoard(port, protocol, item));
        const rests = set.rest
          ? await pool(set.items, REST_CONCURRENCY, (item) => post(port, JSON.stringify({ strokes: item.strokes, width: BOARD.width, height: BOARD.height }), 'application/json'))
          : [];
        set.items.forEach((item, i) => {
          const o: Outcome = { set: set.name, id: item.id, note: item.note, expect: item.expect, board: boards[i].texts, boardSettled: boards[i].settled, boardError: boards[i].error };
          o.boardPass = o.boardSettled !== 'error' && o.boardSettled !== 'timeout' && inkPass(set.measure, item.expect, boards[i].texts);
          if (set.rest) {
            o.rest = rests[i].text;
            // An error answer to ink that is not a digit (a lone tap refused) reads no digit: it abstains.
            const read = rests[i].text.startsWith('<') ? [] : [rests[i].text].filter((t) => t !== '');
            o.restPass = inkPass(set.measure, item.expect, read);
          }
          outcomes.push(o);
        });
      } else {
        const photosSet = set.items.some((i) => i.type === 'image/jpeg');
        const reads = await pool(set.items, photosSet ? 1 : REST_CONCURRENCY, async (item) => post(port, await bytesOf(item), item.type));
        if (photosSet) photoTimes = reads.map((r) => r.ms);
        set.items.forEach((item, i) => {
          const restPass = set.measure === 'abstain' ? !hasDigit(reads[i].text) : reads[i].text === item.expect;
          outcomes.push({ set: set.name, id: item.id, note: item.note, expect: set.measure === 'abstain' ? [] : [item.expect], rest: reads[i].text, restPass, ms: reads[i].ms });
        });
      }
      const mine = outcomes.filter((o) => o.set === set.name);
      const rate = (k: 'boardPass' | 'restPass') => (mine.some((o) => o[k] !== undefined) ? `${mine.filter((o) => o[k]).length}/${mine.length}` : '-');
      console.log(`  ${set.name}: boards ${rate('boardPass')}, REST ${rate('restPass')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const mathOutcomes: MathOutcome[] = [];
    for (const set of math) {
      const t0 = performance.now();
      const mine = await measureMath(port, protocol, set);
      mathOutcomes.push(...mine);
      const rate = (p: MathPathName) => `${mine.filter((o) => o[p].reading === 'right').length} right, ${mine.filter((o) => o[p].reading === 'wrong').length} wrong`;
      console.log(`  ${set.name} (${mine.length}): boards ${rate('board')}; REST ink ${rate('ink')}; REST PNG ${rate('image')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const latency = math.length ? await measureLatency(port, protocol) : undefined;
    if (latency) console.log(`  pen-up -> result: "12+30=" ${latency.expressionResult?.toFixed(1)} ms (its value ${latency.expressionValue?.toFixed(1) ?? '-'} ms), "1230" ${latency.plainResult?.toFixed(1)} ms`);
    // Small uploads one at a time, after a warm-up, for the timing row (a partial run leaves it out).
    const pngTimes: number[] = [];
    if (!SETS) {
      const pngs = timingPngs(QUICK);
      for (const item of pngs.slice(0, 3)) await post(port, await bytesOf(item), item.type);
      for (const item of pngs) pngTimes.push((await post(port, await bytesOf(item), item.type)).ms);
    }
    return { label, script, model, outcomes, math: mathOutcomes, latency, timing: { photoMs: median(photoTimes), pngMs: median(pngTimes) }, seconds: (performance.now() - started) / 1000 };
  } finally {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** What went wrong, in a few words: the failure kinds the report counts. */
function failureKind(o: Outcome, read: string[], measure: 'exact' | 'abstain'): string {
  if (read.length === 1 && read[0].startsWith('<')) return `error ${read[0]}`;
  if (measure === 'abstain') return `read as a digit (${read.filter(hasDigit).join(' | ')})`;
  const want = o.expect;
  if (read.length === 0 || read.every((t) => t === '')) return 'nothing read';
  if (read.length > want.length) return want.length === 1 && read.join('') === want[0] ? 'split into several numbers (digits right)' : 'split into several numbers';
  if (read.length < want.length) return read.join('') === want.join('') ? 'numbers merged (digits right)' : 'numbers merged';
  const got = read.join(''), exp = want.join('');
  if (got.length > exp.length) return 'extra digit(s)';
  if (got.length < exp.length) return 'missing digit(s)';
  return 'wrong digit(s)';
}

/** The operators of a text in order ("12+(3×4)=" -> "+(×)="). */
const operatorsOf = (text: string) => text.replace(/[\d.]/g, '');

/** Why an arithmetic item showed no value or a wrong one, from what the path read. */
function mathFailureKind(o: MathOutcome, p: MathPath, kind: ArithmeticItem['kind']): string {
  const prefix = p.reading === 'wrong' ? 'wrong value shown' : 'no value';
  if (p.settled === 'error' || p.settled === 'timeout') return `${prefix}: board ${p.settled}`;
  const read = p.read.filter((t) => t !== '');
  if (read.length === 1 && read[0].startsWith('<')) return `${prefix}: error ${read[0]}`;
  if (!read.length) return `${prefix}: nothing read`;
  if (kind === 'sum') {
    const rows = o.written.split('+');
    if (read.join('+') === o.written) return `${prefix}: every number read right`;
    return `${prefix}: ${read.length === rows.length ? 'a number misread' : `${rows.length} numbers read as ${read.length}`}`;
  }
  if (read.length > 1) return `${prefix}: split into ${read.length} numbers`;
  if (read[0] === o.written) return `${prefix}: read exactly`;
  const [want, got] = [operatorsOf(o.written), operatorsOf(read[0])];
  if (want !== got) return `${prefix}: operators ${want} read as ${got || '(none)'}`;
  return `${prefix}: digits misread`;
}

const pct = (pass: number, n: number) => (n ? `${((100 * pass) / n).toFixed(1)}% (${pass}/${n})` : '-');

function rateOf(run: ServerRun | undefined, set: string, key: 'boardPass' | 'restPass'): string {
  if (!run) return '';
  const mine = run.outcomes.filter((o) => o.set === set && o[key] !== undefined);
  return mine.length ? pct(mine.filter((o) => o[key]).length, mine.length) : '-';
}

function table(sets: HeldoutSet[], runs: ServerRun[]): string[] {
  const [before, after] = runs.length === 2 ? runs : [undefined, runs[0]];
  const cols = (key: 'boardPass' | 'restPass', set: string) => (before ? `${rateOf(before, set, key)} | ${rateOf(after, set, key)}` : rateOf(after, set, key));
  const head = before ? '| set | items | measure | boards: before | boards: after | REST: before | REST: after | target |' : '| set | items | measure | boards | REST | target |';
  const lines = [head, head.replace(/[^|]+/g, '---')];
  for (const s of sets) {
    const measure = s.measure === 'abstain' ? 'abstains' : 'read exactly';
    const target = s.target ? `>= ${(s.target * 100).toFixed(1)}%` : '-';
    lines.push(`| ${s.name} | ${s.items.length} | ${measure} | ${cols('boardPass', s.name)} | ${cols('restPass', s.name)} | ${target} |`);
  }
  const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);
  const timingRow = (name: string, pick: (r: ServerRun) => number | null) =>
    before ? `| ${name} | | median per upload | | | ${ms(pick(before))} | ${ms(pick(after!))} | - |` : `| ${name} | | median per upload | | ${ms(pick(after!))} | - |`;
  lines.push(timingRow('upload time: 4000x3000 JPEG (the photos above, one at a time)', (r) => r.timing.photoMs));
  lines.push(timingRow(`upload time: 64x64 PNG (${timingPngs(QUICK).length}, one at a time)`, (r) => r.timing.pngMs));
  return lines;
}

/** Right, wrong and no value, as shares of the set's items, for one path of one run. */
function mathCell(run: ServerRun | undefined, set: string, p: MathPathName): string {
  const mine = run?.math.filter((o) => o.set === set) ?? [];
  if (!mine.length) return '-';
  const share = (r: MathReading) => `${((100 * mine.filter((o) => o[p].reading === r).length) / mine.length).toFixed(1)}%`;
  return `${share('right')} / ${share('wrong')} / ${share('none')}`;
}

function mathTable(sets: ArithmeticSet[], runs: ServerRun[]): string[] {
  const [before, after] = runs.length === 2 ? runs : [undefined, runs[0]];
  const head = before
    ? '| arithmetic set | items | path | before: right / wrong / no value | after: right / wrong / no value | target (right) |'
    : '| arithmetic set | items | path | right / wrong / no value | target (right) |';
  const lines = [head, head.replace(/[^|]+/g, '---')];
  for (const s of sets)
    for (const p of MATH_PATHS) {
      const cells = before ? `${mathCell(before, s.name, p)} | ${mathCell(after, s.name, p)}` : mathCell(after, s.name, p);
      lines.push(`| ${s.name} | ${s.items.length} | ${PATH_LABEL[p]} | ${cells} | >= ${(s.target * 100).toFixed(0)}% |`);
    }
  return lines;
}

function latencyTable(runs: ServerRun[]): string[] {
  const [before, after] = runs.length === 2 ? runs : [undefined, runs[0]];
  if (!after.latency) return [];
  const ms = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)} ms`);
  const head = before ? '| pen-up -> result, median (one board at a time) | boards | before | after |' : '| pen-up -> result, median (one board at a time) | boards | after |';
  const row = (name: string, cell: (l: Latency) => string) => {
    const of = (r?: ServerRun) => (r?.latency ? cell(r.latency) : '-');
    return before ? `| ${name} | ${after.latency!.n} | ${of(before)} | ${of(after)} |` : `| ${name} | ${after.latency!.n} | ${of(after)} |`;
  };
  const [expr, plain] = [LATENCY_TEXTS.expression.join(''), LATENCY_TEXTS.plain.join('')];
  return [
    head,
    head.replace(/[^|]+/g, '---'),
    row(`"${expr}": the "=" lifted -> the result holding it`, (l) => ms(l.expressionResult)),
    row(`"${expr}": the "=" lifted -> its value shown`, (l) => ms(l.expressionValue)),
    row(`"${expr}": no value within ${VALUE_WAIT_MS / 1000} s of the result`, (l) => `${l.noValue}/${l.n}`),
    row(`"${plain}" (the same digits, a plain number): last pen-up -> its result`, (l) => ms(l.plainResult)),
  ];
}

function gitHead(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const sets = heldoutSets(QUICK).filter((s) => selected(s.name));
  const math = mathSets(QUICK).filter((s) => selected(s.name));
  console.log(`held-out sets built in ${Math.round(performance.now() - t0)} ms: ${[...sets, ...math].map((s) => `${s.name} (${s.items.length})`).join(', ')}`);
  const runs: ServerRun[] = [];
  if (BEFORE) runs.push(await measureServer('before', BEFORE, sets, math, 3311));
  runs.push(await measureServer('after', path.join(ROOT, 'dist/server/src/server.js'), sets, math, 3312));

  const stamp = new Date().toISOString();
  mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `results-${stamp.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ stamp, quick: QUICK, runs }, null, 1));
  // Failures, readable: what was written and what each path read.
  const failures: string[] = [];
  const kinds = new Map<string, Map<string, string[]>>();
  for (const run of runs) {
    for (const o of run.outcomes) {
      const set = sets.find((s) => s.name === o.set)!;
      const wrote = o.expect.length ? o.expect.join(' | ') : '(not a digit)';
      for (const [path_, pass, read] of [
        ['board', o.boardPass, o.board],
        ['REST', o.restPass, o.rest === undefined ? undefined : [o.rest]],
      ] as const) {
        if (pass !== false || !read) continue;
        const kind = failureKind(o, [...read], set.measure);
        const line = `${run.label} ${path_} | ${o.set} | ${o.id} [${o.note}] | wrote ${wrote} | read ${read.length ? read.map((t) => JSON.stringify(t)).join(' | ') : '(nothing)'}${o.boardSettled && path_ === 'board' && o.boardSettled !== 'covered' ? ` (${o.boardSettled}${o.boardError ? `: ${o.boardError}` : ''})` : ''}`;
        failures.push(line);
        const key = `${run.label} ${path_} | ${o.set}`;
        const byKind = kinds.get(key) ?? new Map<string, string[]>();
        byKind.set(kind, [...(byKind.get(kind) ?? []), `${wrote} -> ${read.map((t) => JSON.stringify(t)).join(' | ') || '(nothing)'} [${o.note}]`]);
        kinds.set(key, byKind);
      }
    }
    for (const o of run.math) {
      const kind = math.find((s) => s.name === o.set)!.items.find((i) => i.id === o.id)!.kind;
      const expected = 'error' in o.expect ? o.expect.error : o.expect.value;
      for (const p of MATH_PATHS) {
        const r = o[p];
        if (r.reading === 'right') continue;
        const reason = mathFailureKind(o, r, kind);
        const read = r.read.map((t) => JSON.stringify(t)).join(' | ') || '(nothing)';
        failures.push(`${run.label} ${PATH_LABEL[p]} | ${o.set} | ${o.id} [${o.note}] | wrote ${o.written} (${expected}) | ${reason} | read ${read}${r.shown ? ` | showed ${r.shown}` : ''}${r.error ? ` (${r.error})` : ''}`);
        const key = `${run.label} ${PATH_LABEL[p]} | ${o.set}`;
        const byKind = kinds.get(key) ?? new Map<string, string[]>();
        byKind.set(reason, [...(byKind.get(reason) ?? []), `${o.written} -> ${read}${r.shown ? ` showed ${r.shown}` : ''} [${o.note}]`]);
        kinds.set(key, byKind);
      }
    }
  }
  const summary: string[] = [];
  for (const [key, byKind] of kinds) {
    summary.push(key);
    for (const [kind, examples] of [...byKind].sort((a, b) => b[1].length - a[1].length)) summary.push(`   ${examples.length} x ${kind}: e.g. ${examples.slice(0, 3).join('; ')}`);
  }
  const failureFile = path.join(OUT_DIR, `failures-${stamp.replace(/[:.]/g, '-')}.txt`);
  writeFileSync(failureFile, `${summary.join('\n')}\n\n${failures.join('\n')}\n`);
  writeFileSync(path.join(OUT_DIR, 'latest-failures.txt'), readFileSync(failureFile));

  const command = `npx tsx server/bench/reading.ts${QUICK ? ' --quick' : ''}${BEFORE ? ` --before ${BEFORE}` : ''}${SETS ? ` --sets ${SETS.join(',')}` : ''}`;
  const rows = [...(sets.length ? table(sets, runs) : []), ...(math.length ? ['', ...mathTable(math, runs), '', ...latencyTable(runs)] : [])];
  const servers = runs.map((r) => `${r.label}: ${r.label === 'after' ? `this checkout (${gitHead(ROOT)} + working tree)` : `${r.script} (${gitHead(path.resolve(path.dirname(r.script), '../../..'))})`}, model ${r.model}`);
  const body = [
    '## Reading the held-out sets (issue 16)',
    '',
    `\`${command}\` (${stamp.slice(0, 16).replace('T', ' ')} UTC; ${os.cpus().length} cores; ${runs.map((r) => `${r.label} ${Math.round(r.seconds)} s`).join(', ')}).`,
    '',
    ...servers.map((s) => `- ${s}`),
    '',
    'The after column is the checkout as it stood during the run, uncommitted work of the day included.',
    '',
    ...rows,
    '',
    'Sets (server/bench/heldout, deterministic, from nothing the model trained on): Hershey vector-font digits and letters',
    '(hershey-fonts-data; futural, rowmans, scripts, futuram) and hand templates of multi-stroke 1, 4, 5, 7, written with slant,',
    'rotation, bending, per-stroke offsets, pen speed and sensor noise (points timed in ms); numbers of 2-10 digits with tight',
    '(-0.08 to 0.02 digit heights), normal (0.2-0.4) and wide (0.6-1.0) gaps; pairs of numbers 2-3 heights apart; taps, dots',
    'and short dashes; letters (A C D E F H K M N P R T U V W X Y, a c e h k m n p r u v w x) and shapes; the UCI 8x8 digits',
    '(python3-sklearn) scaled up blockily; MNIST *test* digits cropped to their ink; 4000x3000 JPEG photos of MNIST test',
    'digits on lit, noisy paper; the numbers again as PNG uploads, drawn as the arithmetic sets\' PNGs are (below), and those',
    'of normal and wide gaps once more as small PNGs (digits 40-100 px tall) written with a marker (a pen 0.15-0.25 digit',
    'heights wide); MNIST test digits widened by two pixels all round, half cropped as the others, half scanned at 8 x 8 and',
    'enlarged blockily to 8-64 px; the letters and shapes again as PNG uploads, drawn as the numbers\' PNGs are. Boards:',
    'each item on a fresh board, stroke by stroke through the protocol, read from the',
    "result messages' numbers (exactly one number with the text, or the two numbers; abstaining: no number with a digit).",
    'REST: the same ink as JSON, images as the raw body. Failures per item: /tmp/digitboard-reading/ (not kept).',
    '',
    'Arithmetic (issue 20, server/bench/heldout/math.ts): expressions of 2-4 terms ending in "=", each of + - × ÷ / : first',
    'in turn, parentheses and decimal points, at tight, normal and wide gaps, two writers in five with Hershey operator glyphs',
    '(futural, rowmans) and the rest synthesized (× a cross or the letter x, ÷ a dash and two dots, points and colons pen',
    'dots); one in thirty divides by zero and must say so. Columns of 2-6 numbers of 1-4 digits, aligned on their units',
    '(a decimal among a third of them), rows close, normal or far apart, a rule under them, written by 1-3 writers (one socket',
    'each in the room, in turn or two at once). Values are exact (decimal.js). Right: the expected value (quotients that do',
    "not end to 1e-9) and nothing else with a value; wrong: any other value or error shown; no value: nothing evaluated.",
    "Boards read every number's `result.math` and the latest result's `sums`; REST reads `math`; PNG: the ink drawn with a",
    'round pen (0.06-0.12 digit heights wide) at 0.45-1 px per board unit. Pen-up -> result: "12+30=" and "1230" by the',
    'same writer, each on a fresh board, alternating, after two warm-ups.',
  ];
  // A partial run (--sets) would replace the whole section with part of it: it only prints.
  if (!SETS) {
    const docPath = path.join(ROOT, 'docs/benchmarks.md');
    writeFileSync(docPath, replaceSection(readFileSync(docPath, 'utf8'), 'reading', body.join('\n')));
  }
  console.log(`\n${rows.join('\n')}\n\n${summary.join('\n')}\n\nresults: ${file}\nfailures: ${failureFile}\ntotal ${Math.round((performance.now() - t0) / 1000)} s`);
}

await main();
