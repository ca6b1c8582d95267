/**
 * The board's WebSocket protocol, one union per direction. Every incoming client message is
 * validated at runtime (the server's peers are untrusted). See docs/protocol.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PointSchema, RecognitionSchema, LIMITS } from './recognition.js';

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

const StrokeId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Points = Type.Array(PointSchema, { minItems: 1, maxItems: MAX_POINTS_PER_MESSAGE });

export const ClientMessageSchema = Type.Union([
  Type.Object({ type: Type.Literal('hello'), protocol: Type.Integer() }, { additionalProperties: false }),
  /** Pen down: starts a stroke with its first point(s). */
  Type.Object({ type: Type.Literal('stroke-begin'), strokeId: StrokeId, points: Points }, { additionalProperties: false }),
  /** More points of a stroke being drawn, sent about once per animation frame. */
  Type.Object({ type: Type.Literal('stroke-points'), strokeId: StrokeId, points: Points }, { additionalProperties: false }),
  /** Pen up: the stroke is complete and the ink is recognized. */
  Type.Object({ type: Type.Literal('stroke-end'), strokeId: StrokeId }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('clear') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('ping'), t: Type.Number() }, { additionalProperties: false }),
]);
export type ClientMessage = Static<typeof ClientMessageSchema>;

export const ErrorCode = {
  badJson: 'bad_json',
  badMessage: 'bad_message',
  unknownStroke: 'unknown_stroke',
  duplicateStroke: 'duplicate_stroke',
  tooMuchInk: 'too_much_ink',
  recognitionFailed: 'recognition_failed',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ServerMessageSchema = Type.Union([
  Type.Object({
    type: Type.Literal('welcome'),
    protocol: Type.Integer(),
    model: Type.String(),
    limits: Type.Object({
      maxStrokes: Type.Integer(),
      maxPointsPerStroke: Type.Integer(),
      maxPointsPerMessage: Type.Integer(),
    }),
  }),
  /** Recognition of all the ink on the board, after a pen-up or a clear. */
  Type.Object({ type: Type.Literal('result'), strokes: Type.Integer(), result: RecognitionSchema }),
  Type.Object({ type: Type.Literal('cleared') }),
  Type.Object({ type: Type.Literal('pong'), t: Type.Number() }),
  Type.Object({ type: Type.Literal('error'), code: Type.String(), message: Type.String() }),
]);
export type ServerMessage = Static<typeof ServerMessageSchema>;

export const WELCOME_LIMITS = {
  maxStrokes: LIMITS.maxStrokes,
  maxPointsPerStroke: LIMITS.maxPointsPerStroke,
  maxPointsPerMessage: MAX_POINTS_PER_MESSAGE,
};
