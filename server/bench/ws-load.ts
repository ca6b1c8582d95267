/**
 * WebSocket load generator, run as its own process: `clients` writers each draw a digit
 * (points streamed every 16 ms), lift the pen, wait for the result, clear, and start again.
 * Prints JSON: pen-up -> result latencies (ms) and counts.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../common/protocol.js';
import { digitStrokes, VARIANTS } from '../test/fixtures/digits.js';
import { summarize } from './stats.js';

const [url, clientsArg, secondsArg] = process.argv.slice(2);
const clients = Number(clientsArg ?? 100);
const seconds = Number(secondsArg ?? 10);
const latencies: number[] = [];
let errors = 0;
let wrong = 0;
const deadline = Date.now() + seconds * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  send({ type: 'hello', protocol: PROTOCOL_VERSION });
  await next('welcome');
  // Stagger writers so pen-ups do not all land in the same millisecond.
  await sleep((index * 16) % 500);
  let n = 0;
  while (Date.now() < deadline) {
    const digit = (index + n) % 10;
    const strokes = digitStrokes(digit, VARIANTS[n % VARIANTS.length]);
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
