/**
 * The recognition contract shared by REST (`POST /api/recognize`) and WebSocket results.
 * Field names are a public contract: other clients rely on them.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Limits on ink, enforced on every path (REST body, WebSocket frames). */
export const LIMITS = {
  /** Canvas size and coordinates: anything beyond is an error, not a silent clamp. */
  maxCoordinate: 100_000,
  maxStrokes: 200,
  maxPointsPerStroke: 4_000,
  maxPointsTotal: 40_000,
} as const;

/** [x, y] or [x, y, t]: canvas pixels, t in ms (optional, unused by the recognizer). */
export const PointSchema = Type.Array(Type.Number({ minimum: -LIMITS.maxCoordinate, maximum: LIMITS.maxCoordinate }), {
  minItems: 2,
  maxItems: 3,
});
export const StrokeSchema = Type.Array(PointSchema, { minItems: 1, maxItems: LIMITS.maxPointsPerStroke });

export const RecognizeRequestSchema = Type.Object(
  {
    strokes: Type.Array(StrokeSchema, { maxItems: LIMITS.maxStrokes }),
    width: Type.Number({ exclusiveMinimum: 0, maximum: LIMITS.maxCoordinate }),
    height: Type.Number({ exclusiveMinimum: 0, maximum: LIMITS.maxCoordinate }),
  },
  // Unknown fields are ignored (and stripped), so that newer clients keep working.
);
export type RecognizeRequest = Static<typeof RecognizeRequestSchema>;

export const BoxSchema = Type.Object({ x: Type.Number(), y: Type.Number(), width: Type.Number(), height: Type.Number() });
export type Box = Static<typeof BoxSchema>;

export const DigitResultSchema = Type.Object({
  digit: Type.Integer({ minimum: 0, maximum: 9 }),
  /** Probability of `digit` as the model gives it. */
  confidence: Type.Number(),
  /** The model's probability for each digit 0-9 (they sum to 1 - notDigitProbability). */
  probabilities: Type.Array(Type.Number(), { minItems: 10, maxItems: 10 }),
  /** Where the digit is, in input coordinates. */
  box: BoxSchema,
});
export type DigitResult = Static<typeof DigitResultSchema>;

export const AlternativeSchema = Type.Object({
  text: Type.String(),
  /** Probability that this is what was written, among the readings considered. */
  confidence: Type.Number(),
});

export const RecognitionSchema = Type.Object({
  /** The digits read left to right; "" when nothing was recognized. */
  text: Type.String(),
  digits: Type.Array(DigitResultSchema),
  /** Groups of ink the model judged not to be a digit (they are left out of text and digits). */
  rejected: Type.Array(Type.Object({ box: BoxSchema, notDigitProbability: Type.Number() })),
  /**
   * Up to three readings of the whole input, most probable first; the first is `text`. Always sent
   * by this server; optional so that records stored before it existed still read.
   */
  alternatives: Type.Optional(Type.Array(AlternativeSchema, { maxItems: 3 })),
  model: Type.String(),
  /** Time the recognizer (server or browser) spent, rasterizing included, in milliseconds. */
  ms: Type.Number(),
});
export type Recognition = Static<typeof RecognitionSchema>;
