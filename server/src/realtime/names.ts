/** Generated names and colours for writers who are not logged in. */
import { randomInt } from 'node:crypto';
import { ADJECTIVES, ANIMALS } from '../../../common/generated-names.js';

/** Distinct, readable on white, AA contrast for 3px strokes. */
export const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bc4c00', '#0a7b83', '#bf3989', '#6e7781', '#953800', '#116329'];

export function generatedName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${ANIMALS[randomInt(ANIMALS.length)]}`;
}
