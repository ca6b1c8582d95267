/**
 * What an export reads from a room (Room.contents): the board's strokes and numbers once the
 * numbers being read are read (a room opened by the export itself reads its whole board first),
 * and the names of its writers: those in the room now, on any node, and those who left, from the
 * writer directory.
 */
import type { Participant } from '../../../common/protocol.js';
import type { WriterDirectory } from '../db/board-writers.js';
import type { BoardContents, BoardCore } from './board-core.js';
import type { Clock } from './clock.js';

/** How long an export waits for the numbers being read, at most: past it, it shows those read so far. */
export const SETTLE_MAX_MS = 10_000;
const SETTLE_POLL_MS = 25;

export interface RoomContents extends BoardContents {
  /** Writers' names by participant id (a writer the room no longer knows has none). */
  names: Map<string, string>;
}

export interface ContentsDeps {
  roomId: string;
  clock: Clock;
  writers?: WriterDirectory;
  log: { warn(obj: object, msg: string): void };
}

/** The board's contents for an export; `present` gives the participants the room knows (they win over stored names). */
export async function roomContents(board: BoardCore, present: () => Participant[], deps: ContentsDeps): Promise<RoomContents> {
  // The schedule has no "settled" event: poll it, on the room's clock.
  const deadline = deps.clock.now() + SETTLE_MAX_MS;
  while (board.recognition.busy && deps.clock.now() < deadline) await new Promise<void>((resolve) => deps.clock.after(SETTLE_POLL_MS, resolve));
  let names = new Map<string, string>();
  try {
    names = (await deps.writers?.names?.(deps.roomId)) ?? names;
  } catch (err) {
    deps.log.warn({ err, room: deps.roomId }, 'looking up the names of a board\'s writers failed; the export names those present only');
  }
  for (const p of present()) names.set(p.id, p.name);
  return { ...board.contents(), names };
}
