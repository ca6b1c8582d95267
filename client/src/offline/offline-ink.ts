import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { PendingStroke } from '../board/board-sync.js';

let store: UseStore | undefined;

/** One IndexedDB database of its own; undefined where IndexedDB is unavailable (then ink lives as long as the page). */
function inkStore(): UseStore | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  store ??= createStore('digitboard-offline', 'ink');
  return store;
}

/** The key of a board's pending ink: a board not yet created (opened offline at /) has its own. */
const keyOf = (room: string | undefined): string => `board:${room ?? 'new'}`;

/**
 * Own ink the server has not acknowledged, per board, kept in IndexedDB so that a reload or a
 * closed tab while offline loses nothing. Storage errors (private mode, quota) are not the
 * user's problem while the page is open: the ink is still in memory, and it is said in the console.
 */
export const offlineInk = {
  async load(room: string | undefined): Promise<PendingStroke[]> {
    const db = inkStore();
    if (!db) return [];
    try {
      return (await get<PendingStroke[]>(keyOf(room), db)) ?? [];
    } catch (err) {
      console.warn('Offline ink could not be read:', err);
      return [];
    }
  },

  async save(room: string | undefined, strokes: readonly PendingStroke[]): Promise<void> {
    const db = inkStore();
    if (!db) return;
    try {
      if (strokes.length === 0) await del(keyOf(room), db);
      else await set(keyOf(room), strokes, db);
    } catch (err) {
      console.warn('Offline ink could not be kept:', err);
    }
  },
};
