/** A socket's outbox: when its messages leave (the socket is a stand-in that records frames). */
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { FlushTicker, Outbox } from '../../src/realtime/ws-route.js';

function fakeSocket() {
  const frames: string[] = [];
  const socket = { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (frame: string | Buffer) => frames.push(frame.toString()), close() {} };
  return { socket: socket as unknown as WebSocket, frames };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const points = JSON.stringify({ type: 'stroke-points', strokeId: 's1', points: [[1, 2, 3]] });
const result = JSON.stringify({ type: 'result', strokes: 1, groups: [], removed: [], full: false });

describe('Outbox', () => {
  const ticker = new FlushTicker(0);
  afterEach(() => ticker.close());

  it('sends a result at once, even as the first message on a quiet socket', () => {
    const { socket, frames } = fakeSocket();
    new Outbox(socket, ticker).send(result);
    expect(frames).toEqual([result]);
  });

  it('sends a result with the messages queued before it, in order, as one frame', async () => {
    const { socket, frames } = fakeSocket();
    const outbox = new Outbox(socket, ticker);
    outbox.send(points);
    expect(frames).toEqual([]);
    outbox.send(result);
    expect(frames).toEqual([`[${points},${result}]`]);
    await nextTurn();
    expect(frames).toHaveLength(1); // the flush scheduled for the points found nothing left
  });

  it('gathers other messages of one turn into one frame at its end', async () => {
    const { socket, frames } = fakeSocket();
    const outbox = new Outbox(socket, ticker);
    outbox.send(points);
    outbox.send(points);
    expect(frames).toEqual([]);
    await nextTurn();
    expect(frames).toEqual([`[${points},${points}]`]);
  });
});
