/**
 * What the sessions and scenarios of the WebSocket fuzz run share: the run's state and tally,
 * and opening, joining and checking a connection.
 */
import { helloMessage } from './board-messages.js';
import { FuzzSocket } from './fuzz-socket.js';
import type { Random } from './random.js';
import type { Tally } from './tally.js';

/** How long the server may take to answer one frame (it shares its CPU with recognition). */
export const ANSWER_MS = 10_000;

export interface Run {
  url: string;
  seed: string;
  rooms: string[];
  tally: Tally;
  /** Generated frames (by the sessions) and scripted ones (scenarios, floods). */
  frames: number;
  scripted: number;
  barrierPings: number;
  connections: number;
  /** Upgrades refused or failed in a row; the run stops after 20. */
  failedOpens: number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function open(run: Run, where: string, headers: Record<string, string> = {}): Promise<FuzzSocket | null> {
  try {
    const socket = await FuzzSocket.open(run.url, headers);
    run.connections++;
    run.failedOpens = 0;
    return socket;
  } catch (err) {
    run.failedOpens++;
    run.tally.fail({ where, sent: 'upgrade', expected: 'a WebSocket', got: String(err) });
    return null;
  }
}

export async function join(run: Run, socket: FuzzSocket, r: Random, where: string, room?: string): Promise<boolean> {
  const from = socket.inbox.length;
  socket.sendJson(helloMessage(r, room));
  const ok = await socket.until(() => socket.closed !== null || socket.find(from, (m) => m.type === 'welcome') !== undefined, ANSWER_MS);
  if (ok && !socket.closed) return true;
  run.tally.fail({ where, sent: 'hello', expected: 'welcome', got: socket.closed ? `close ${socket.closed.code} ${socket.closed.reason}` : 'nothing (hang)' });
  return false;
}

/** Checks that every server frame was JSON, and records a close without a code (1005/1006). */
export function checkSocket(run: Run, socket: FuzzSocket, where: string): void {
  for (const text of socket.unreadable) run.tally.fail({ where, sent: '-', expected: 'JSON messages from the server', got: `unreadable frame ${text}` });
  if (socket.closed && (socket.closed.code === 1005 || socket.closed.code === 1006)) {
    run.tally.fail({ where, sent: '-', expected: 'a close code', got: `close ${socket.closed.code} (no code from the server)` });
  }
}
