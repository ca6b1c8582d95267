/**
 * The WebSocket half of the fuzz run: many connections, each a seeded session of generated and
 * mutated frames (ws-sessions.ts), plus scripted abuse (ws-scenarios.ts). No answer within the
 * deadline is a hang.
 */
import { random } from './random.js';
import { Tally } from './tally.js';
import type { Run } from './ws-run.js';
import { roomFull, scenarios, slowConsumer } from './ws-scenarios.js';
import { mutationSession, preHelloSession } from './ws-sessions.js';

export interface WsFuzzOptions {
  seed: string;
  /** Stop starting sessions once this many frames were sent. */
  frames: number;
  concurrency: number;
  /** False once the server is gone: the run stops instead of failing forever. */
  alive: () => boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface WsFuzzResult {
  tally: Tally;
  /** Generated and mutated frames. */
  frames: number;
  /** Frames of the scripted scenarios (floods included). */
  scripted: number;
  barrierPings: number;
  connections: number;
  ms: number;
}

export async function runWsFuzz(baseUrl: string, opts: WsFuzzOptions): Promise<WsFuzzResult> {
  const started = Date.now();
  const r = random(`${opts.seed}:ws`);
  const run: Run = {
    url: `${baseUrl.replace(/^http/, 'ws')}/ws`,
    seed: opts.seed,
    rooms: Array.from({ length: 8 }, () => r.bytes(16).toString('base64url')),
    tally: new Tally(),
    frames: 0,
    scripted: 0,
    barrierPings: 0,
    connections: 0,
    failedOpens: 0,
  };
  const log = opts.log ?? (() => {});
  const going = () => opts.alive() && run.failedOpens < 20;
  // Scripted scenarios first, each a few times, two at a time.
  const tasks = Object.entries(scenarios).flatMap(([name, fn]) => [1, 2, 3].map((k) => () => fn(run, random(`${opts.seed}:scenario:${name}:${k}`), `ws scenario: ${name} #${k}`)));
  await pool(tasks, 2, going);
  log(`scenarios done: ${run.tally.failures.length} failure(s)`);
  if (going()) await roomFull(run, random(`${opts.seed}:room-full`));
  if (going()) await slowConsumer(run, random(`${opts.seed}:slow`));
  log(`room full and slow consumer done: ${run.tally.failures.length} failure(s)`);

  // Generated sessions until the frame budget is spent: one in five has not said hello.
  let next = 0;
  const worker = async () => {
    while (run.frames < opts.frames && going()) {
      const id = next++;
      if (id % 50 === 0) log(`session ${id}: ${run.frames} frames, ${run.tally.failures.length} failure(s)`);
      await (id % 5 === 4 ? preHelloSession(run, id) : mutationSession(run, id));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { tally: run.tally, frames: run.frames, scripted: run.scripted, barrierPings: run.barrierPings, connections: run.connections, ms: Date.now() - started };
}

async function pool(tasks: (() => Promise<void>)[], size: number, going: () => boolean): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (i < tasks.length && going()) await tasks[i++]();
    }),
  );
}
