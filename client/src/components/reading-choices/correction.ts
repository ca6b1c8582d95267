/**
 * What a correction of a reading amounts to: shared by the board's labels and the history.
 * A correction is the number that was written, digits only (the protocol's CORRECTION_PATTERN),
 * or "" to go back to the model's reading.
 */
import type { Recognition } from '../../../../common/recognition.js';

/** Longest correction the server takes (common/protocol.ts, CORRECTION_PATTERN). */
export const MAX_CORRECTION_LENGTH = 40;

export type Alternative = NonNullable<Recognition['alternatives']>[number];

/** What a person typed, kept to what a correction may hold: digits, at most 40 of them. */
export function sanitizeCorrection(value: string): string {
  return value.replace(/\D+/g, '').slice(0, MAX_CORRECTION_LENGTH);
}

/** The text a number shows: the correction when there is one, else the model's reading. */
export function shownReading(modelText: string, correctedText: string | null | undefined): string {
  return correctedText ? correctedText : modelText;
}

/**
 * The correction to send when someone chooses `chosen` ("" = the model's reading), or null when
 * it would change nothing. Choosing the model's own reading withdraws a correction.
 */
export function correctionToSend(chosen: string, modelText: string, correctedText: string | null | undefined): string | null {
  const corrected = !!correctedText;
  const wanted = chosen === modelText ? '' : sanitizeCorrection(chosen);
  // Anything but digits would be refused by the server: it is never sent, not even cleaned up.
  if (chosen !== '' && chosen !== modelText && wanted !== chosen) return null;
  if (wanted === '') return corrected ? '' : null;
  return wanted === correctedText ? null : wanted;
}

/** Whether a reading can be sent as a correction as it is: digits only, at most 40. */
export const isCorrection = (text: string): boolean => sanitizeCorrection(text) === text;

/** The readings worth offering as picks: numbers (digits only), at most three, as the model ranks them. */
export function choosableAlternatives(alternatives: readonly Alternative[] | undefined): Alternative[] {
  return (alternatives ?? []).filter((a) => a.text !== '' && isCorrection(a.text)).slice(0, 3);
}

/** A reading to show, and whether it may be picked as the correction. */
export interface ShownAlternative extends Alternative {
  pickable: boolean;
}

/**
 * The readings worth showing: those that read as something, at most three, as the model ranks
 * them. Readings with signs (an expression's "12+30=", a decimal point) are shown but cannot be
 * picked: the server takes digits only, and refuses anything else.
 */
export function shownAlternatives(alternatives: readonly Alternative[] | undefined): ShownAlternative[] {
  return (alternatives ?? [])
    .filter((a) => a.text !== '')
    .slice(0, 3)
    .map((a) => ({ ...a, pickable: isCorrection(a.text) }));
}

/** A confidence for people: "81%" (under 1%: "<1%"). */
export function percent(p: number): string {
  const rounded = Math.round(p * 100);
  return rounded === 0 && p > 0 ? '<1%' : `${rounded}%`;
}
