/**
 * The app's addresses, in one place. The server serves the app only at / (a new board) and
 * /r/<id> (a board), so everything else lives in the hash, which survives a reload of either
 * without a new server route: the pages over the board (#history, #history/<id>, #upload,
 * #model) and the links of account emails (#confirm-email/<token>, #reset-password/<token>),
 * whose token thus never reaches a server log or a Referer.
 */
import { ROOM_ID_PATTERN } from '../../common/protocol-constants.js';

const ROOM_ID = new RegExp(ROOM_ID_PATTERN);

export interface RoomLocation {
  /** The board in the URL, or undefined for a new one. */
  room: string | undefined;
  /** The URL names a board, but not a valid id (a mistyped or truncated link). */
  invalid: boolean;
}

/** The board a path names: /r/<id>, or / for a new one. */
export function roomFromPath(pathname: string): RoomLocation {
  const match = /^\/r\/([^/]*)\/?$/.exec(pathname);
  if (!match) return { room: undefined, invalid: false };
  const id = decodeURIComponent(match[1]);
  return ROOM_ID.test(id) ? { room: id, invalid: false } : { room: undefined, invalid: true };
}

export const roomPath = (room: string): string => `/r/${room}`;

/** What covers the board: the history (its list, or one record), the upload page or the model page; or nothing. */
export type Page = { name: 'board' } | { name: 'history'; recordId?: string } | { name: 'upload' } | { name: 'model' };

/** The page a hash names; the board for any other hash. */
export function pageFromHash(hash: string): Page {
  if (hash === '#upload' || hash === '#model') return { name: hash.slice(1) as 'upload' | 'model' };
  const history = /^#history(?:\/([\w-]{1,64}))?$/.exec(hash);
  if (history) return history[1] ? { name: 'history', recordId: history[1] } : { name: 'history' };
  return { name: 'board' };
}

/** The hash of the history's list, or of one of its records. */
export function historyHash(recordId?: string): string {
  return recordId ? `#history/${recordId}` : '#history';
}

/** An account email's link: the account menu reads it, takes it out of the address bar, and acts on it. */
export type AccountLink = { kind: 'confirm-email' | 'reset-password'; token: string };

export function accountLinkFromHash(hash: string): AccountLink | null {
  const match = /^#(confirm-email|reset-password)\/([A-Za-z0-9_-]{1,256})$/.exec(hash);
  return match ? { kind: match[1] as AccountLink['kind'], token: match[2] } : null;
}
