/**
 * Floods one WebSocket with raw frames from a client that does not read, the way a script would:
 * a hand-made upgrade over a TCP socket, then pre-built masked frames written as fast as the
 * server takes them. Meanwhile it samples the server's RSS and times GET /api/health; afterwards
 * it reads what the server sent (its error messages, its close frame).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { rssMb } from '../bench/server-process.js';

export interface FloodResult {
  framesWritten: number;
  floodMs: number;
  rssBeforeMb: number;
  /** Highest RSS sampled (every 50 ms) from the first frame until `settleMs` after the last. */
  rssPeakMb: number;
  /** RSS `settleMs` after the last frame was written. */
  rssAfterMb: number;
  /**
   * GET /api/health round trips, one after another (100 ms apart) from the first frame until
   * `settleMs` after the last: the kernel takes the frames faster than the server reads them.
   */
  healthMs: number[];
  /** Text frames the server sent (its messages), and its close code (null: none read). */
  textFrames: number;
  closeCode: number | null;
  closeReason: string;
}

/** A client frame (masked, as RFC 6455 requires; an all-zero mask leaves the payload as it is). */
export function maskedFrame(opcode: 0x1 | 0x2, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (payload.length > 125) throw new Error('short frames only');
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

export const textFrame = (msg: unknown) => maskedFrame(0x1, Buffer.from(JSON.stringify(msg)));

async function upgrade(port: number): Promise<{ socket: net.Socket; rest: Buffer }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {}); // a reset by the server's close timer ends the flood; reported as frames written
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let head = Buffer.alloc(0);
  const rest = await new Promise<Buffer>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause(); // from here on, a client that does not read
      if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${head.subarray(0, end).toString()}`));
      else resolve(head.subarray(end + 4));
    };
    socket.on('data', onData);
  });
  return { socket, rest };
}

/** Server frames in `data` (unmasked): the text frames' count and the close frame, if complete. */
function parseServerFrames(data: Buffer): { text: number; close: { code: number; reason: string } | null } {
  let text = 0;
  for (let at = 0; at + 2 <= data.length; ) {
    const opcode = data[at] & 0x0f;
    let len = data[at + 1] & 0x7f;
    let head = 2;
    if (len === 126) {
      if (at + 4 > data.length) break;
      len = data.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      if (at + 10 > data.length) break;
      len = Number(data.readBigUInt64BE(at + 2));
      head = 10;
    }
    if (at + head + len > data.length) break;
    const payload = data.subarray(at + head, at + head + len);
    if (opcode === 0x1) text++;
    if (opcode === 0x8) return { text, close: { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString() } };
    at += head + len;
  }
  return { text, close: null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function drainedOrClosed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * Opens a socket, writes `prelude` (a hello, say), then `count` copies of `frame` without reading;
 * then reads until the server's close frame (or `readMs`).
 */
export async function floodOneSocket(base: string, pid: number, opts: { prelude?: Buffer; frame: Buffer; count: number; settleMs?: number; readMs?: number }): Promise<FloodResult> {
  const port = Number(new URL(base).port);
  const rssBeforeMb = rssMb(pid);
  const { socket, rest } = await upgrade(port);
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(pid))), 50);
  const healthMs: number[] = [];
  let flooding = true;
  const prober = (async () => {
    while (flooding) {
      const t0 = performance.now();
      await fetch(`${base}/api/health`).then((r) => r.arrayBuffer());
      healthMs.push(performance.now() - t0);
      await sleep(100);
    }
  })();

  const perChunk = Math.max(1, Math.floor(64 * 1024 / opts.frame.length));
  const chunk = Buffer.concat(Array(perChunk).fill(opts.frame));
  const started = performance.now();
  let framesWritten = 0;
  if (opts.prelude) socket.write(opts.prelude);
  while (framesWritten < opts.count && !socket.destroyed) {
    const n = Math.min(perChunk, opts.count - framesWritten);
    const ok = socket.write(n === perChunk ? chunk : chunk.subarray(0, n * opts.frame.length));
    framesWritten += n;
    if (!ok) await drainedOrClosed(socket);
  }
  const floodMs = performance.now() - started;
  await sleep(opts.settleMs ?? 5_000);
  const rssAfterMb = rssMb(pid);
  flooding = false;
  await prober;
  clearInterval(sampler);
  rssPeakMb = Math.max(rssPeakMb, rssAfterMb);

  // Now read: the server's messages and its close frame (sent long ago, queued in the kernel).
  let received = rest;
  let parsed = parseServerFrames(received);
  if (!parsed.close && !socket.destroyed) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.readMs ?? 10_000);
      const done = () => (clearTimeout(timer), resolve());
      socket.on('data', (data: Buffer) => {
        received = Buffer.concat([received, data]);
        parsed = parseServerFrames(received);
        if (parsed.close) done();
      });
      socket.once('close', done);
      socket.resume();
    });
  }
  socket.destroy();
  return { framesWritten, floodMs, rssBeforeMb, rssPeakMb, rssAfterMb, healthMs, textFrames: parsed.text, closeCode: parsed.close?.code ?? null, closeReason: parsed.close?.reason ?? '' };
}
