/**
 * The board's WebSocket protocol, one union per direction. Every incoming client message is
 * validated at runtime (the server's peers are untrusted). See docs/protocol.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PointSchema, RecognitionSchema, LIMITS } from './recognition.js';

// The constants live in their own module so the browser can import them without TypeBox.
export { PROTOCOL_VERSION, MAX_FRAME_BYTES, MAX_POINTS_PER_MESSAGE, CloseCode } from './protocol-constants.js';
import { MAX_POINTS_PER_MESSAGE } from './protocol-constants.js';

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
