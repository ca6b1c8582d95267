/**
 * Reading accuracy on the held-out sets (server/bench/heldout, issue 16), measured through the
 * built server as users reach it: ink written stroke by stroke on boards (WebSocket protocol) and
 * sent to POST /api/recognize, images uploaded raw. With --before, another checkout's built server
 * is measured first and the two are shown side by side.
 *
 *   npx tsx server/bench/reading.ts [--quick] [--before <other checkout>/dist/server/src/server.js]
 *
 * Writes the table into docs/benchmarks.md (<!-- bench:reading -->) and every item's outcome, with
 * what was read for each failure, to /tmp/digitboard-reading/.
 */
import WebSocket from 'ws';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GroupResult } from '../../common/protocol.js';
import { applyDelta } from '../../common/result-delta.js';
import { ROOT } from '../src/config.js';
import { BOARD, heldoutSets, timingPngs, type HeldoutSet, type ImageItem, type InkItem } from './heldout/index.js';
import { replaceSection, serverProtocol, startServer, stopServer } from './server-process.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const beforeAt = args.indexOf('--before');
const BEFORE = beforeAt >= 0 ? path.resolve(args[beforeAt + 1] ?? '') : undefined;
const OUT_DIR = '/tmp/digitboard-reading';
/** Items in flight at once: boards, REST ink, small images. Photos go one at a time (they are timed). */
const BOARD_CONCURRENCY = 6;
const REST_CONCURRENCY = 4;
/** Points per stroke-points message (the browser sends a frame's worth, a few points). */
const CHUNK = 32;
/** A board that has settled without every stroke in exactly one number (ink a server drops) is read after this quiet. */
const QUIET_MS = 500;
const ITEM_TIMEOUT_MS = 20_000;

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

interface ServerRun {
  label: string;
  script: string;
  model: string;
  outcomes: Outcome[];
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

/**
 * Writes one item on a fresh board, stroke by stroke (each stroke acknowledged before the next,
 * as a hand lifts and comes down again), and returns the board's numbers once every stroke is in
 * exactly one number recognized after the last pen-up.
 */

async function readOnBoard(port: number, protocol: number, item: InkItem): Promise<{ texts: string[]; settled: Outcome['boardSettled']; error?: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  let groups: GroupResult[] = [];
  let strokesSeen = 0;
  let lastMessage = performance.now();
  let failure: string | undefined;
  const waiters = new Map<string, () => void>();
  ws.on('message', (data) => {
    lastMessage = performance.now();
    const parsed = JSON.parse(data.toString());
    for (const msg of Array.isArray(parsed) ? parsed : [parsed]) {
      if (msg.type === 'result') {
        groups = applyDelta(groups, msg);
        strokesSeen = msg.strokes;
      } else if (msg.type === 'ack') waiters.get(`ack:${msg.strokeId}`)?.();
      else if (msg.type === 'welcome') waiters.get('welcome')?.();
      else if (msg.type === 'error') failure = `${msg.code}: ${msg.message}`;
    }
  });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const wait = (key: string) =>
    Promise.race([
      new Promise<void>((resolve) => waiters.set(key, resolve)),
      closed.then(() => {
        throw new Error(`socket closed waiting for ${key}`);
      }),
      sleep(ITEM_TIMEOUT_MS).then(() => {
        throw new Error(`timed out waiting for ${key}`);
      }),
    ]);
  const send = (m: unknown) => ws.send(JSON.stringify(m));
  const texts = () => groups.map((g) => g.result.text);
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const welcomed = wait('welcome');
    send({ type: 'hello', protocol });
    await welcomed;
    const ids = item.strokes.map((_, i) => `${item.id}-s${i}`);
    for (const [i, stroke] of item.strokes.entries()) {
      const acked = wait(`ack:${ids[i]}`);
      send({ type: 'stroke-begin', strokeId: ids[i], points: stroke.slice(0, CHUNK) });
      for (let k = CHUNK; k < stroke.length; k += CHUNK) send({ type: 'stroke-points', strokeId: ids[i], points: stroke.slice(k, k + CHUNK) });
      send({ type: 'stroke-end', strokeId: ids[i] });
      await acked;
    }
    const acked = performance.now();
    for (;;) {
      if (failure) return { texts: texts(), settled: 'error', error: failure };
      if (strokesSeen === ids.length) {
        const count = new Map<string, number>();
        for (const g of groups) for (const id of g.strokeIds) count.set(id, (count.get(id) ?? 0) + 1);
        if (ids.every((id) => count.get(id) === 1)) return { texts: texts(), settled: 'covered' };
        if (performance.now() - lastMessage > QUIET_MS) return { texts: texts(), settled: 'quiet' };
      }
      if (performance.now() - acked > ITEM_TIMEOUT_MS) return { texts: texts(), settled: 'timeout' };
      await sleep(5);
    }
  } catch (err) {
    return { texts: texts(), settled: 'error', error: failure ?? (err as Error).message };
  } finally {
    ws.close();
  }
}

/** POST /api/recognize; an error answer reads as its status and code in angle brackets. */
async function post(port: number, body: string | Buffer, type: string): Promise<{ text: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/recognize`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const json = (await res.json()) as { text?: string; code?: string };
  const ms = performance.now() - t0;
  return { text: res.ok ? (json.text ?? '') : `<${res.status} ${json.code ?? ''}>`, ms };
}

const inkPass = (measure: 'exact' | 'abstain', expect: string[], texts: string[]) =>
  measure === 'abstain' ? !texts.some(hasDigit) : texts.length === expect.length && texts.every((t, i) => t === expect[i]);

/** Encoded images are made once and reused for the second server (the photos, a few MB each, included). */
const encoded = new Map<string, Buffer>();
async function bytesOf(item: ImageItem): Promise<Buffer> {
  let b = encoded.get(item.id);
  if (!b) {
    b = await item.make();
    encoded.set(item.id, b);
  }
  return b;
}

async function measureServer(label: string, script: string, sets: HeldoutSet[], port: number): Promise<ServerRun> {
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
        set.items.forEach((item, i) => outcomes.push({ set: set.name, id: item.id, note: item.note, expect: [item.expect], rest: reads[i].text, restPass: reads[i].text === item.expect, ms: reads[i].ms }));
      }
      const mine = outcomes.filter((o) => o.set === set.name);
      const rate = (k: 'boardPass' | 'restPass') => (mine.some((o) => o[k] !== undefined) ? `${mine.filter((o) => o[k]).length}/${mine.length}` : '-');
      console.log(`  ${set.name}: boards ${rate('boardPass')}, REST ${rate('restPass')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    // Small uploads one at a time, after a warm-up, for the timing row.
    const pngs = timingPngs(QUICK);
    for (const item of pngs.slice(0, 3)) await post(port, await bytesOf(item), item.type);
    const pngTimes: number[] = [];
    for (const item of pngs) pngTimes.push((await post(port, await bytesOf(item), item.type)).ms);
    return { label, script, model, outcomes, timing: { photoMs: median(photoTimes), pngMs: median(pngTimes) }, seconds: (performance.now() - started) / 1000 };
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

function gitHead(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const sets = heldoutSets(QUICK);
  console.log(`held-out sets built in ${Math.round(performance.now() - t0)} ms: ${sets.map((s) => `${s.name} (${s.items.length})`).join(', ')}`);
  const runs: ServerRun[] = [];
  if (BEFORE) runs.push(await measureServer('before', BEFORE, sets, 3311));
  runs.push(await measureServer('after', path.join(ROOT, 'dist/server/src/server.js'), sets, 3312));

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
  }
  const summary: string[] = [];
  for (const [key, byKind] of kinds) {
    summary.push(key);
    for (const [kind, examples] of [...byKind].sort((a, b) => b[1].length - a[1].length)) summary.push(`   ${examples.length} x ${kind}: e.g. ${examples.slice(0, 3).join('; ')}`);
  }
  const failureFile = path.join(OUT_DIR, `failures-${stamp.replace(/[:.]/g, '-')}.txt`);
  writeFileSync(failureFile, `${summary.join('\n')}\n\n${failures.join('\n')}\n`);
  writeFileSync(path.join(OUT_DIR, 'latest-failures.txt'), readFileSync(failureFile));

  const command = `npx tsx server/bench/reading.ts${QUICK ? ' --quick' : ''}${BEFORE ? ` --before ${BEFORE}` : ''}`;
  const rows = table(sets, runs);
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
    'digits on lit, noisy paper. Boards: each item on a fresh board, stroke by stroke through the protocol, read from the',
    "result messages' numbers (exactly one number with the text, or the two numbers; abstaining: no number with a digit).",
    'REST: the same ink as JSON, images as the raw body. Failures per item: /tmp/digitboard-reading/ (not kept).',
  ];
  const docPath = path.join(ROOT, 'docs/benchmarks.md');
  writeFileSync(docPath, replaceSection(readFileSync(docPath, 'utf8'), 'reading', body.join('\n')));
  console.log(`\n${rows.join('\n')}\n\n${summary.join('\n')}\n\nresults: ${file}\nfailures: ${failureFile}\ntotal ${Math.round((performance.now() - t0) / 1000)} s`);
}

await main();
