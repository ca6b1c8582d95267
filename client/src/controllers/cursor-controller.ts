import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Participant } from '../../../common/protocol.js';
import type { BoardPointerDetail, RemoteCursor } from '../components/digit-board/digit-board.js';
import { config } from '../config.js';
import type { BoardSyncController, CursorMessage } from './board-sync-controller.js';

/** A cursor of someone else, as last heard. */
interface CursorState {
  x: number;
  y: number;
  at: number;
}

/**
 * Live cursors: sends our pointer to the others (at most one message per cursorIntervalMs, the
 * latest position, and only when someone else is there), and keeps theirs, which fade when idle.
 */
export class CursorController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly board: BoardSyncController;
  private readonly cursors = new Map<string, CursorState>();
  /** Re-renders while a cursor may still have to fade. */
  private fadeTimer: ReturnType<typeof setInterval> | undefined;
  private outgoing: BoardPointerDetail | undefined;
  private sendTimer: ReturnType<typeof setTimeout> | undefined;
  private sentAt = 0;

  constructor(host: ReactiveControllerHost, board: BoardSyncController) {
    this.host = host;
    this.board = board;
    host.addController(this);
  }

  hostDisconnected(): void {
    clearInterval(this.fadeTimer);
    this.fadeTimer = undefined;
    clearTimeout(this.sendTimer);
  }

  /** Our pointer moved on the board. */
  moved(position: BoardPointerDetail): void {
    if (this.board.participants.length < 2) return;
    this.outgoing = position;
    if (this.sendTimer !== undefined) return;
    const wait = Math.max(0, config.cursorIntervalMs - (performance.now() - this.sentAt));
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      const latest = this.outgoing;
      this.outgoing = undefined;
      if (!latest) return;
      this.sentAt = performance.now();
      this.board.connection.send({ type: 'cursor', x: latest.x, y: latest.y });
    }, wait);
  }

  /** Someone's cursor moved. */
  heard(message: CursorMessage): void {
    this.cursors.set(message.id, { x: message.x, y: message.y, at: performance.now() });
    this.fadeTimer ??= setInterval(() => this.host.requestUpdate(), 1_000);
    this.host.requestUpdate();
  }

  /** Forgets the cursors of those who left. */
  keepOnly(participants: readonly Participant[]): void {
    for (const id of this.cursors.keys()) if (!participants.some((p) => p.id === id)) this.cursors.delete(id);
  }

  /** Another board: no cursors. */
  clear(): void {
    this.cursors.clear();
  }

  /** The others' cursors to draw now. */
  remote(): RemoteCursor[] {
    const now = performance.now();
    const out: RemoteCursor[] = [];
    const { participants, sync } = this.board;
    for (const [id, cursor] of this.cursors) {
      const who = participants.find((p) => p.id === id);
      if (!who || id === sync.me?.id) continue;
      out.push({ id, name: who.name, color: who.color, x: cursor.x, y: cursor.y, idle: now - cursor.at > config.cursorIdleMs });
    }
    // Nothing left to fade: no need to look again until someone moves.
    if (out.every((c) => c.idle) && this.fadeTimer !== undefined) {
      clearInterval(this.fadeTimer);
      this.fadeTimer = undefined;
    }
    return out;
  }
}
