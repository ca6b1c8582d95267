/**
 * Realtime load generator, run as its own process on loopback:
 *   room-load <ws url> <rooms> <clientsPerRoom> <writersPerRoom> <seconds>
 * Writers stream one point per frame at 60 Hz (t = sender's clock) and lift the pen every 30
 * points; every other client in the room measures the point's arrival. Writers also time
 * stroke-end -> result. Prints JSON.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../common/protocol.js';
import { summarize } from './stats.js';

const [url, roomsArg, perRoomArg, writersArg, secondsArg] = process.argv.slice(2);
const rooms = Number(roomsArg), perRoom = Number(perRoomArg), writersPerRoom = Number(writersArg), seconds = Number(secondsArg);
const fanout: number[] = [];
const results: number[] = [];
let received = 0, sent = 0, errors = 0, closed = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const roomId = (i: number) => `bench${String(i).padStart(17, '0')}`;

/** Receivers that parse and time what they get; every client still receives everything. */
const MEASURING_RECEIVERS = 3;

async function client(room: string, writer: boolean, index: number): Promise<void> {
  const measures = index < MEASURING_RECEIVERS || writer;
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let welcomed!: () => void;
  let sawWelcome = false;
  const welcome = new Promise<void>((r) => (welcomed = r));
  const pendingResults: number[] = [];
  ws.on('message', (data) => {
    received++;
    // Parsing 100 clients' worth of fan-out would make this process the bottleneck: the
    // sample of measuring receivers parses, the others only take delivery.
    if (!measures && sawWelcome) return;
    sawWelcome = true;
    const parsed = JSON.parse(data.toString());
    const now = performance.now();
    for (const msg of Array.isArray(parsed) ? parsed : [parsed]) {
      if (msg.type === 'welcome') welcomed();
      else if (msg.type === 'stroke-points') fanout.push(now - msg.points[0][2]);
      else if (msg.type === 'result' && pendingResults.length > 0 && msg.strokes > 0) results.push(now - pendingResults.shift()!);
      else if (msg.type === 'error') errors++;
    }
  });
  ws.on('close', () => closed++);
  ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, room }));
  await welcome;
  if (!writer) return;
  const end = performance.now() + seconds * 1000;
  const x0 = (index % 10) * 90, y0 = Math.floor(index / 10) * 120;
  let stroke = 0;
  await sleep(Math.random() * 16);
  while (performance.now() < end) {
    const id = `w${index}-${stroke++}`;
    let next = performance.now();
    for (let k = 0; k < 30; k++) {
      const pt = [x0 + 20 + 25 * Math.sin(k / 5), y0 + k * 3, performance.now()];
      ws.send(JSON.stringify(k === 0 ? { type: 'stroke-begin', strokeId: id, points: [pt] } : { type: 'stroke-points', strokeId: id, points: [pt] }));
      sent++;
      next += 1000 / 60;
      await sleep(Math.max(0, next - performance.now()));
    }
    pendingResults.push(performance.now());
    ws.send(JSON.stringify({ type: 'stroke-end', strokeId: id }));
    if (stroke % 8 === 0) ws.send(JSON.stringify({ type: 'undo' }));
  }
}

const tasks: Promise<void>[] = [];
for (let r = 0; r < rooms; r++) {
  for (let c = 0; c < perRoom; c++) {
    tasks.push(client(roomId(r), c < writersPerRoom, c));
    if (tasks.length % 100 === 0) await sleep(20); // do not open 2,000 sockets in one burst
  }
}
const writers = rooms * writersPerRoom;
await Promise.all(tasks);
await sleep(seconds * 1000 + 500);
console.log(JSON.stringify({ rooms, perRoom, writers, sentPoints: sent, receivedMessages: received, fanout: summarize(fanout), penUpToResult: summarize(results), errors, closed }));
process.exit(0);
