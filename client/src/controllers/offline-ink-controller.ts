import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PendingStroke } from '../board/board-sync.js';
import { offlineInk } from '../offline/offline-ink.js';
import type { BoardSyncController } from './board-sync-controller.js';

/**
 * Own ink kept across reloads while offline: writes the unacknowledged own strokes to IndexedDB
 * when they change (after each update: acks, pen-ups and welcomes all update the host), and puts
 * back what a previous page on this board kept.
 */
export class OfflineInkController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly board: BoardSyncController;
  private readonly onRestore: (strokes: readonly PendingStroke[]) => void;
  /** What offlineInk holds for this page: the board's key and the ids of the strokes, to write only on a change. */
  private kept = { room: undefined as string | undefined, ids: '' };
  /** Until the kept ink is read back, nothing is written over it. */
  private restored = false;

  /** `onRestore` puts back the kept strokes (not called when there are none). */
  constructor(host: ReactiveControllerHost, board: BoardSyncController, onRestore: (strokes: readonly PendingStroke[]) => void) {
    this.host = host;
    this.board = board;
    this.onRestore = onRestore;
    host.addController(this);
  }

  hostConnected(): void {
    const room = this.board.connection.room;
    void offlineInk.load(room).then((strokes) => {
      this.kept = { room, ids: strokes.map((s) => s.id).join(',') };
      this.restored = true;
      // Not if the page moved to another board meanwhile.
      if (strokes.length > 0 && this.board.connection.room === room) this.onRestore(strokes);
      // An update, so that hostUpdated writes from now on.
      this.host.requestUpdate();
    });
  }

  hostUpdated(): void {
    if (!this.restored) return;
    const room = this.board.connection.room;
    const pending = this.board.sync.pendingInk();
    const ids = pending.map((s) => s.id).join(',');
    const kept = this.kept;
    if (room === kept.room && ids === kept.ids) return;
    // A board created on reconnection (opened offline at /): its ink moved to the new board's key.
    if (room !== kept.room && kept.ids !== '') void offlineInk.save(kept.room, []);
    this.kept = { room, ids };
    void offlineInk.save(room, pending);
  }
}
