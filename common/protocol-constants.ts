/** Protocol constants, free of dependencies (the browser bundle imports this file). */

/**
 * 2: rooms (shared boards), resume, undo/erase, presence and cursors.
 * 3: results carry only the numbers that changed (`removed`, `full`; common/result-delta.ts).
 * 4: corrections (`correct`, `corrected`, a number's `correctedText`) and recognitions' `alternatives`.
 * 5: `hello.client`, the browser's key: the same writer after a reload (identity and undo).
 * 6: arithmetic: results' `math` (expressions and their values) and the result message's `sums`.
 */
export const PROTOCOL_VERSION = 6;
/** Largest frame the server accepts (ws maxPayload): a few hundred points is about 10 KB. */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_POINTS_PER_MESSAGE = 512;

/** Application close codes (4000-4999). */
export const CloseCode = {
  /** The peer speaks another protocol version: do not reconnect without upgrading. */
  versionMismatch: 4000,
  /** First message was not a hello, or hello came twice. */
  badHandshake: 4001,
  /** The session signed out (or its account was deleted): reconnect, anonymous. */
  signedOut: 4003,
  /** The room holds its maximum number of participants. */
  roomFull: 4005,
  /** Too many messages or points per second, or too slow to keep up. */
  rateLimited: 4008,
  serverShutdown: 4010,
  /** The board was reloaded after a cluster outage: reconnect (resume) to get it whole. */
  resync: 4011,
  /** The board is too large to load (its stored file is over the server's limit): do not retry automatically. */
  boardTooLarge: 4012,
  /** Standard code (RFC 6455), not an application one: binary frames past a small allowance. */
  unsupportedData: 1003,
} as const;

/**
 * The shared board's logical size in units ("canvas pixels" on the wire): every client draws
 * this board scaled to its screen, and the server reads marks against it (the smallest digit).
 */
export const BOARD_WIDTH = 1600;
export const BOARD_HEIGHT = 1000;

/** Room ids are unguessable: 16 random bytes, base64url (22 characters). */
export const ROOM_ID_PATTERN = '^[A-Za-z0-9_-]{22}$';
/** Writers per room (tldraw holds ~30; Liveblocks 10-100). */
export const MAX_ROOM_PARTICIPANTS = 100;
