/**
 * The board's WebSocket protocol, one union per direction. Every incoming client message is
 * validated at runtime (the server's peers are untrusted). See docs/protocol.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { BoxSchema, MathSchema, PointSchema, RecognitionSchema, LIMITS } from './recognition.js';

// The constants live in their own module so the browser can import them without TypeBox.
export { PROTOCOL_VERSION, MAX_FRAME_BYTES, MAX_POINTS_PER_MESSAGE, CloseCode, ROOM_ID_PATTERN, MAX_ROOM_PARTICIPANTS } from './protocol-constants.js';
import { MAX_POINTS_PER_MESSAGE, ROOM_ID_PATTERN } from './protocol-constants.js';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Points = Type.Array(PointSchema, { minItems: 1, maxItems: MAX_POINTS_PER_MESSAGE });
const strict = { additionalProperties: false } as const;
/** A corrected reading: what was written, digits only (at most 40), or "" for none. */
export const CORRECTION_PATTERN = '^[0-9]{0,40}$';

export const ClientMessageSchema = Type.Union([
  /**
   * Opens the session. `room` joins a shared board (omitted: the server opens a new board and
   * names it in the welcome).
   * `resume` is sent by a reconnecting client: its previous session id and the last `seq` it saw,
   * so that the server sends only what it missed.
   * `client` (protocol 5) is a random key the browser keeps: a hello without a resume that brings
   * the key of a writer who left the board makes it that writer again (same participant id, name
   * and colour; undo reaches their strokes). A secret: never shown to other participants.
   */
  Type.Object(
    {
      type: Type.Literal('hello'),
      protocol: Type.Integer(),
      room: Type.Optional(Type.String({ pattern: ROOM_ID_PATTERN })),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
      resume: Type.Optional(Type.Object({ session: Id, lastSeq: Type.Integer({ minimum: 0 }) }, strict)),
      client: Type.Optional(Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
    },
    strict,
  ),
  /** Pen down: starts a stroke with its first point(s). Stroke ids are the client's, unique per board. */
  Type.Object({ type: Type.Literal('stroke-begin'), strokeId: Id, points: Points }, strict),
  /** More points of a stroke being drawn, sent about once per animation frame. */
  Type.Object({ type: Type.Literal('stroke-points'), strokeId: Id, points: Points }, strict),
  /** Pen up: the stroke is complete, stored, acknowledged and recognized. */
  Type.Object({ type: Type.Literal('stroke-end'), strokeId: Id }, strict),
  /** Removes the sender's own most recent stroke. */
  Type.Object({ type: Type.Literal('undo') }, strict),
  /** Removes a stroke (anyone's: a shared board, like a whiteboard eraser). */
  Type.Object({ type: Type.Literal('erase'), strokeId: Id }, strict),
  Type.Object({ type: Type.Literal('clear') }, strict),
  /** Pointer position for live cursors, at most about 30 per second. */
  Type.Object({ type: Type.Literal('cursor'), x: PointSchema.items, y: PointSchema.items }, strict),
  Type.Object({ type: Type.Literal('ping'), t: Type.Number() }, strict),
  /**
   * Corrects what a number on the board reads: `text` is what was written (digits, "" to go back to
   * the model's reading). `strokeIds` are the number's strokes as the sender saw them: the
   * correction applies only while the number has exactly these strokes.
   */
  Type.Object(
    {
      type: Type.Literal('correct'),
      groupId: Id,
      strokeIds: Type.Array(Id, { minItems: 1, maxItems: LIMITS.maxStrokes }),
      text: Type.String({ pattern: CORRECTION_PATTERN }),
    },
    strict,
  ),
]);
export type ClientMessage = Static<typeof ClientMessageSchema>;

/** The codes of `{type: 'error'}` messages, from the one list of coded errors. */
export { ErrorCode } from './error-codes.js';

export const ParticipantSchema = Type.Object({ id: Type.String(), name: Type.String(), color: Type.String() });
export type Participant = Static<typeof ParticipantSchema>;

export const BoardStrokeSchema = Type.Object({
  id: Type.String(),
  author: Type.String(),
  color: Type.String(),
  points: Type.Array(Type.Array(Type.Number())),
  /** False while the author is still drawing it. */
  done: Type.Boolean(),
});
export type BoardStroke = Static<typeof BoardStrokeSchema>;

/** A number on the board: strokes grouped by place, and what they read. */
export const GroupResultSchema = Type.Object({
  id: Type.String(),
  box: BoxSchema,
  strokeIds: Type.Array(Type.String()),
  result: RecognitionSchema,
  /** What a participant said this number is (a correction), shown instead of `result.text`. */
  correctedText: Type.Optional(Type.String()),
  /** The name of who corrected it. */
  correctedBy: Type.Optional(Type.String()),
});
export type GroupResult = Static<typeof GroupResultSchema>;

/** Board events carry the room's sequence number; a resuming client replays those it missed. */
export const BoardEventSchema = Type.Union([
  Type.Object({ type: Type.Literal('stroke-begin'), seq: Type.Integer(), stroke: BoardStrokeSchema }),
  Type.Object({ type: Type.Literal('stroke-points'), seq: Type.Integer(), strokeId: Type.String(), points: Type.Array(Type.Array(Type.Number())) }),
  Type.Object({ type: Type.Literal('stroke-end'), seq: Type.Integer(), strokeId: Type.String() }),
  Type.Object({ type: Type.Literal('erased'), seq: Type.Integer(), strokeIds: Type.Array(Type.String()), by: Type.String() }),
  Type.Object({ type: Type.Literal('cleared'), seq: Type.Integer(), by: Type.String() }),
  /** A number was corrected (text "" withdraws the correction); `by` is the participant's id. */
  Type.Object({
    type: Type.Literal('corrected'),
    seq: Type.Integer(),
    groupId: Type.String(),
    strokeIds: Type.Array(Type.String()),
    text: Type.String(),
    by: Type.String(),
  }),
]);
export type BoardEvent = Static<typeof BoardEventSchema>;

export const ServerMessageSchema = Type.Union([
  Type.Object({
    type: Type.Literal('welcome'),
    protocol: Type.Integer(),
    model: Type.String(),
    room: Type.String(),
    /** Send it back in `hello.resume` after a reconnect. */
    session: Type.String(),
    you: ParticipantSchema,
    /** The room's sequence number this welcome is current with. */
    seq: Type.Integer(),
    /**
     * The whole board (late joiners, or a resume that cannot be served from the log); absent when
     * the server is replaying only the missed events, which follow this message.
     */
    board: Type.Optional(Type.Object({ strokes: Type.Array(BoardStrokeSchema) })),
    participants: Type.Array(ParticipantSchema),
    limits: Type.Object({ maxStrokes: Type.Integer(), maxPointsPerStroke: Type.Integer(), maxPointsPerMessage: Type.Integer() }),
  }),
  ...BoardEventSchema.anyOf,
  /** The sender's stroke is stored: it survives a server restart. */
  Type.Object({ type: Type.Literal('ack'), strokeId: Type.String(), seq: Type.Integer() }),
  /**
   * Recognition after a change. `result` is the number the last change touched (the "latest
   * number"), or an empty recognition when the board is empty. The board's numbers travel as
   * changes (common/result-delta.ts): `groups` holds the numbers that are new or changed since the
   * previous result and `removed` the ids of those that are gone; with `full`, `groups` is every
   * number on the board (the first result after a welcome).
   */
  Type.Object({
    type: Type.Literal('result'),
    strokes: Type.Integer(),
    result: RecognitionSchema,
    groups: Type.Array(GroupResultSchema),
    removed: Type.Array(Type.String()),
    full: Type.Boolean(),
    /**
     * Protocol 6: every column sum on the board (numbers one under another, a rule under them),
     * whole each time (common/column-sums.ts). A number's own expression travels in its
     * `result.math`.
     */
    sums: Type.Array(MathSchema),
  }),
  Type.Object({ type: Type.Literal('presence'), participants: Type.Array(ParticipantSchema) }),
  Type.Object({ type: Type.Literal('cursor'), id: Type.String(), x: Type.Number(), y: Type.Number() }),
  Type.Object({ type: Type.Literal('pong'), t: Type.Number() }),
  /** `strokeId` names the stroke the error is about, when there is one. */
  Type.Object({ type: Type.Literal('error'), code: Type.String(), message: Type.String(), strokeId: Type.Optional(Type.String()) }),
]);
export type ServerMessage = Static<typeof ServerMessageSchema>;

export const WELCOME_LIMITS = {
  maxStrokes: LIMITS.maxStrokes,
  maxPointsPerStroke: LIMITS.maxPointsPerStroke,
  maxPointsPerMessage: MAX_POINTS_PER_MESSAGE,
};
