/** Boards live at /r/<id>; / opens a new one. */
import { ROOM_ID_PATTERN } from '../../../common/protocol-constants.js';

const ROOM_ID = new RegExp(ROOM_ID_PATTERN);

export interface RoomLocation {
  /** The board in the URL, or undefined for a new one. */
  room: string | undefined;
  /** The URL names a board, but not a valid id (a mistyped or truncated link). */
  invalid: boolean;
}

export function roomFromPath(pathname: string): RoomLocation {
  const match = /^\/r\/([^/]*)\/?$/.exec(pathname);
  if (!match) return { room: undefined, invalid: false };
  const id = decodeURIComponent(match[1]);
  return ROOM_ID.test(id) ? { room: id, invalid: false } : { room: undefined, invalid: true };
}

export const roomPath = (room: string): string => `/r/${room}`;
