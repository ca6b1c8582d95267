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

/** Why an evaluated expression has no value. */
export const MathErrorSchema = Type.Union([Type.Literal('division_by_zero'), Type.Literal('overflow')]);

/**
 * Something evaluated: an expression written up to its "=" (`12+30=`), or a column of numbers
 * summed under a rule. Only readings sure enough to evaluate are listed (see common/arithmetic.ts).
 */
export const MathSchema = Type.Object({
  /** What was evaluated, as read, without the "=": digits, "." and + - × ÷ / : ( ), e.g. "12+30"; a sum's terms joined by "+". */
  expression: Type.String(),
  /** The exact value as a JSON number; null when there is none (`error` says why). */
  value: Type.Union([Type.Number(), Type.Null()]),
  /** The value as shown to people: exact decimals, "" when there is none. */
  display: Type.String(),
  error: Type.Optional(MathErrorSchema),
  kind: Type.Union([Type.Literal('expression'), Type.Literal('sum')]),
  /** How sure the reading of what was evaluated is (0-1). */
  confidence: Type.Number(),
  /** The ink evaluated (a sum: the numbers and the rule), in input coordinates. */
  box: BoxSchema,
  /** Where the value goes: right of the "=", or under the rule. */
  answer: BoxSchema,
});
export type MathItem = Static<typeof MathSchema>;

export const RecognitionSchema = Type.Object({
  /**
   * What was read left to right: digits, and the operators of an expression ("12+30=": + - × ÷ / :
   * = ( ) and the decimal point); "" when nothing was recognized. Digits alone read as before.
   */
  text: Type.String(),
  digits: Type.Array(DigitResultSchema),
  /** Groups of ink the model judged not to be a digit (they are left out of text and digits). */
  rejected: Type.Array(Type.Object({ box: BoxSchema, notDigitProbability: Type.Number() })),
  /**
   * Up to three readings of the whole input, most probable first; the first is `text`. Always sent
   * by this server; optional so that records stored before it existed still read.
   */
  alternatives: Type.Optional(Type.Array(AlternativeSchema, { maxItems: 3 })),
  /**
   * What was evaluated: expressions ending in "=" and sums under a rule. Always sent by this server
   * ([] when nothing was); optional so that records stored before it existed still read.
   */
  math: Type.Optional(Type.Array(MathSchema)),
  model: Type.String(),
  /** Time the recognizer (server or browser) spent, rasterizing included, in milliseconds. */
  ms: Type.Number(),
});
export type Recognition = Static<typeof RecognitionSchema>;
