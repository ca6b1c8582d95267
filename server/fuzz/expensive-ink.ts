/**
 * Ink made to be expensive to draw, against the running server: three writers, each on a board
 * of its own, draw a digit of 4,000 points that cross the whole digit back and forth (every
 * segment's box is the digit's box), then keep adding dots to it, each of which makes the board
 * draw the whole digit again (~16 ms on the event loop, were it not for the drawing budget).
 * Meanwhile a member of another board pings; its pongs must keep coming.
 */
import { PROTOCOL_VERSION } from '../../common/protocol.js';
import { FuzzSocket } from './fuzz-socket.js';

export interface ExpensiveInkResult {
  /** Dots the writers added to their expensive digits. */
  dots: number;
  /** Results the writers received for their digits. */
  results: number;
  /** The other board's ping -> pong times (ms), in order. */
  pongMs: number[];
  /** Pings that got no pong before the end. */
  lostPongs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function join(wsUrl: string): Promise<FuzzSocket> {
  const socket = await FuzzSocket.open(wsUrl);
  socket.sendJson({ type: 'hello', protocol: PROTOCOL_VERSION });
  if (!(await socket.until(() => socket.find(0, (m) => m.type === 'welcome') !== undefined, 10_000))) throw new Error('no welcome');
  return socket;
}

/** Draws the zigzag digit, then adds dots to it until `end`; resolves with the dots added. */
async function writeExpensively(writer: FuzzSocket, end: number): Promise<number> {
  // 4,000 points (the most a stroke may have) from corner to corner and back, sent within the
  // per-connection rate limits (4,000 points a second, a burst of twice that).
  const zigzag = Array.from({ length: 4000 }, (_, i) => [i % 2 ? 300 : 100, i % 2 ? 300 : 100 + (i % 4)]);
  writer.sendJson({ type: 'stroke-begin', strokeId: 'z', points: zigzag.slice(0, 1) });
  for (let k = 1; k < zigzag.length; k += 500) writer.sendJson({ type: 'stroke-points', strokeId: 'z', points: zigzag.slice(k, k + 500) });
  writer.sendJson({ type: 'stroke-end', strokeId: 'z' });
  // Dots in the middle of the zigzag join its digit: 80 a second (160 messages, under the limit
  // of 200), each one a new version of the digit to draw.
  let dots = 0;
  while (performance.now() < end && writer.isOpen()) {
    const id = `d${dots++}`;
    writer.sendJson({ type: 'stroke-begin', strokeId: id, points: [[200, 200]] });
    writer.sendJson({ type: 'stroke-end', strokeId: id });
    await sleep(12.5);
  }
  return dots;
}

export async function runExpensiveInk(baseUrl: string, seconds = 6, writerCount = 3): Promise<ExpensiveInkResult> {
  const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/ws`;
  const writers = await Promise.all(Array.from({ length: writerCount }, () => join(wsUrl)));
  const other = await join(wsUrl);

  const pongMs: number[] = [];
  const sent = new Map<number, number>();
  let seen = 0;
  const takePongs = () => {
    for (const m of other.since(seen, 'pong')) {
      const at = sent.get(m.t as number);
      if (at !== undefined) pongMs.push(performance.now() - at);
      sent.delete(m.t as number);
    }
    seen = other.inbox.length;
  };
  const collector = setInterval(takePongs, 5);
  let running = true;
  const pinger = (async () => {
    for (let t = 0; running; t++) {
      sent.set(t, performance.now());
      other.sendJson({ type: 'ping', t });
      await sleep(50);
    }
  })();

  const dots = await Promise.all(writers.map((w) => writeExpensively(w, performance.now() + seconds * 1000)));
  running = false;
  await pinger;
  // The last pongs and results: the server catches up.
  await other.until(() => (takePongs(), sent.size === 0), 10_000);
  clearInterval(collector);
  await Promise.all(writers.map((w, i) => w.until(() => w.find(0, (m) => m.type === 'result' && m.strokes === dots[i] + 1) !== undefined, 10_000)));
  const results = writers.reduce((n, w) => n + w.since(0, 'result').length, 0);
  for (const socket of [...writers, other]) socket.terminate();
  return { dots: dots.reduce((a, b) => a + b, 0), results, pongMs, lostPongs: sent.size };
}
