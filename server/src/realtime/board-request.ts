/**
 * What a member's board message asks for, checked against the board as this node holds it: a
 * change to publish on the bus, a refusal to send back, or nothing. Expected failures are values.
 * Updates the member's own state (strokes being drawn or re-sent, undo history) as it goes; the
 * board itself changes only when the bus delivers the change (BoardCore.apply).
 */
import { ErrorCode, type BoardStroke, type ClientMessage } from '../../../common/protocol.js';
import { LIMITS } from '../../../common/recognition.js';
import { ROOM_LIMITS, type BoardCore } from './board-core.js';
import type { Change } from './bus.js';
import type { Member } from './membership.js';

/** The messages that change the board. */
export type BoardMessage = Extract<ClientMessage, { type: 'stroke-begin' | 'stroke-points' | 'stroke-end' | 'undo' | 'erase' | 'clear' | 'correct' }>;

export interface Refusal {
  type: 'refuse';
  code: ErrorCode;
  message: string;
  strokeId?: string;
}

export type Decision =
  | { type: 'publish'; change: Change }
  | Refusal
  /** The author ended again a stroke the board already has complete (a replay after a reconnect). */
  | { type: 'replayed'; stroke: BoardStroke }
  /** Points of a stroke that is being re-sent or was removed meanwhile: dropped quietly. */
  | { type: 'ignore' };

/** What a writer is told when the board's ink is at its limit: the limit itself. */
const BOARD_FULL = `this board is full of ink (at most ${ROOM_LIMITS.maxPoints.toLocaleString('en')} points); erase or clear some`;

const refuse = (code: ErrorCode, message: string, strokeId?: string): Refusal => ({ type: 'refuse', code, message, ...(strokeId ? { strokeId } : {}) });
const ignore: Decision = { type: 'ignore' };

/**
 * Points are kept to a tenth (of a board pixel, of a millisecond): what the browser client sends,
 * and all that drawing and recognition need. Longer decimals would be sent on to every member.
 * Rounds in place: the arrays are the message's own, fresh from JSON.parse (no copy per point).
 */
function quantize(points: number[][]): number[][] {
  for (const p of points) for (let i = 0; i < p.length; i++) p[i] = Math.round(p[i] * 10) / 10;
  return points;
}

export function boardRequest(board: BoardCore, member: Member, msg: BoardMessage): Decision {
  const by = member.participant.id;
  switch (msg.type) {
    case 'stroke-begin':
      return begin(board, member, msg.strokeId, quantize(msg.points));
    case 'stroke-points':
      return addPoints(board, member, msg.strokeId, quantize(msg.points));
    case 'stroke-end':
      return end(board, member, msg.strokeId);
    case 'undo':
      while (member.undoStack.length > 0) {
        const id = member.undoStack.pop()!;
        if (board.stroke(id)) return { type: 'publish', change: { type: 'erased', strokeIds: [id], by } };
      }
      return refuse(ErrorCode.nothingToUndo, 'you have no stroke on this board to undo');
    case 'erase':
      if (!board.stroke(msg.strokeId)) return refuse(ErrorCode.unknownStroke, `stroke ${msg.strokeId} is not on the board`, msg.strokeId);
      return { type: 'publish', change: { type: 'erased', strokeIds: [msg.strokeId], by } };
    case 'clear':
      return { type: 'publish', change: { type: 'cleared', by } };
    case 'correct': {
      // Checked again when applied: another change may come first.
      const { groupId, strokeIds, text } = msg;
      if (!board.recognition.currentGroup(groupId, strokeIds)) return unknownGroup(groupId);
      return { type: 'publish', change: { type: 'corrected', groupId, strokeIds, text, by, name: member.participant.name } };
    }
    default: {
      const never: never = msg;
      return never;
    }
  }
}

/** The refusal of a correction of a number that is not (any more) on the board as the corrector saw it. */
export function unknownGroup(groupId: string): Refusal {
  return refuse(ErrorCode.unknownGroup, `number ${groupId} is not on the board with those strokes (any more)`);
}

function begin(board: BoardCore, member: Member, id: string, points: number[][]): Decision {
  const existing = board.stroke(id);
  if (existing && existing.author !== member.participant.id) return refuse(ErrorCode.duplicateStroke, `stroke ${id} already exists`, id);
  // The author re-sends a stroke the room already has after a reconnect: idempotent.
  if (existing?.done) {
    member.replaying.add(id);
    return ignore;
  }
  if (!existing && board.strokeCount >= ROOM_LIMITS.maxStrokes) {
    return refuse(ErrorCode.tooMuchInk, `a board holds at most ${ROOM_LIMITS.maxStrokes} strokes; erase or clear some`, id);
  }
  if (!board.fits(points.length)) return refuse(ErrorCode.tooMuchInk, BOARD_FULL, id);
  board.undrop(id);
  member.drawing.set(id, [...points]);
  const { id: author, color } = member.participant;
  return { type: 'publish', change: { type: 'stroke-begin', stroke: { id, author, color, points: [...points], done: false } } };
}

function addPoints(board: BoardCore, member: Member, id: string, points: number[][]): Decision {
  if (member.replaying.has(id) || board.isDropped(id)) return ignore;
  const drawing = member.drawing.get(id);
  if (!drawing) {
    const stroke = board.stroke(id);
    const done = stroke?.done && stroke.author === member.participant.id;
    return refuse(ErrorCode.unknownStroke, done ? `stroke ${id} is already complete` : `stroke ${id} was not begun`, id);
  }
  if (!board.fits(points.length)) return refuse(ErrorCode.tooMuchInk, BOARD_FULL, id);
  if (drawing.length + points.length > LIMITS.maxPointsPerStroke) {
    return refuse(ErrorCode.tooMuchInk, `too many points (at most ${LIMITS.maxPointsPerStroke} per stroke)`, id);
  }
  for (const p of points) drawing.push(p);
  return { type: 'publish', change: { type: 'stroke-points', strokeId: id, author: member.participant.id, points } };
}

function end(board: BoardCore, member: Member, id: string): Decision {
  if (board.isDropped(id)) return ignore;
  const stroke = board.stroke(id);
  const points = member.drawing.get(id);
  if (points) return { type: 'publish', change: { type: 'stroke-end', stroke: { id, author: member.participant.id, color: member.participant.color, points } } };
  if (stroke?.done && stroke.author === member.participant.id) {
    member.replaying.delete(id);
    return { type: 'replayed', stroke };
  }
  return refuse(ErrorCode.unknownStroke, `stroke ${id} was not begun`, id);
}
