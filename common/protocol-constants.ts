/** Protocol constants, free of dependencies (the browser bundle imports this file). */

export const PROTOCOL_VERSION = 1;
/** Largest frame the server accepts (ws maxPayload): a few hundred points is about 10 KB. */
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_POINTS_PER_MESSAGE = 512;

/** Application close codes (4000-4999). */
export const CloseCode = {
  /** The peer speaks another protocol version: do not reconnect without upgrading. */
  versionMismatch: 4000,
  /** First message was not a hello, or hello came twice. */
  badHandshake: 4001,
  /** Too many messages or points per second. */
  rateLimited: 4008,
  serverShutdown: 4010,
} as const;
