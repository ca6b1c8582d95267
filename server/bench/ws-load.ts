/**
 * WebSocket load generator, run as its own process: `clients` writers each draw a digit
 * (points streamed every 16 ms), lift the pen, wait for the result, clear, and start again.
 * Prints JSON: pen-up -> result latencies (ms) and counts.
 *   npx tsx server/bench/ws-load.ts <ws url> [clients] [seconds] [protocol version]
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../common/protocol.js';
import { digitStrokes, VARIANTS } from '../../test-support/digit-strokes.js';
import { summarize } from './stats.js';

const [url, clientsArg, secondsArg, protocolArg] = process.argv.slice(2);
/** The protocol version to speak: ours unless told (an earlier build's server may speak an older one). */
const protocol = protocolArg ? Number(protocolArg) : PROTOCOL_VERSION;
const clients = Number(clientsArg ?? 100);
const seconds = Number(secondsArg ?? 10);
const latencies: number[] = [];
let errors = 0;
let wrong = 0;
const deadline = Date.now() + seconds * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = (v: number) => Math.round((v + Math.random() * 3 - 1.5) * 10) / 10;

async function writer(index: number): Promise<void> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const waiting = new Map<string, (msg: any) => void>();
  ws.on('message', (data) => {
    const parsed = JSON.parse(data.toString());
    for (const msg of Array.isArray(parsed) ? parsed : [parsed]) {
      if (msg.type === 'error') errors++;
      waiting.get(msg.type)?.(msg);
    }
  });
  const next = (type: string) => new Promise<any>((resolve) => waiting.set(type, resolve));
  const send = (m: unknown) => ws.send(JSON.stringify(m));
  send({ type: 'hello', protocol });
  await next('welcome');
  // Stagger writers so pen-ups do not all land in the same millisecond.
  await sleep((index * 16) % 500);
  let n = 0;
  while (Date.now() < deadline) {
    const digit = (index + n) % 10;
    // A hand never traces the same digit twice: every point moves by up to 1.5 px (to 0.1 px, as
    // the browser sends it), so no digit is the same ink as one already recognized (the server
    // keeps the recognition of digits it has seen, for numbers that grow digit by digit).
    const strokes = digitStrokes(digit, VARIANTS[n % VARIANTS.length]).map((stroke) => stroke.map(([x, y, t]) => [jitter(x), jitter(y), t]));
    for (const [si, stroke] of strokes.entries()) {
      const id = `s${n}-${si}`;
      send({ type: 'stroke-begin', strokeId: id, points: stroke.slice(0, 1) });
      for (let k = 1; k < stroke.length; k += 3) {
        await sleep(16);
        send({ type: 'stroke-points', strokeId: id, points: stroke.slice(k, k + 3) });
      }
      const result = next('result');
      const t0 = performance.now();
      send({ type: 'stroke-end', strokeId: id });
      const msg = await result;
      latencies.push(performance.now() - t0);
      if (si === strokes.length - 1 && msg.result.text !== String(digit)) wrong++;
    }
    const cleared = next('result');
    send({ type: 'clear' });
    await cleared;
    n++;
  }
  ws.close();
}

await Promise.all(Array.from({ length: clients }, (_, i) => writer(i)));
console.log(JSON.stringify({ clients, seconds, penUpToResult: summarize(latencies), errors, wrong }));
