/** Generated names and colours for writers who are not logged in. */
import { randomInt } from 'node:crypto';

/** The words of generated names; the web client translates them (client/src/board/generated-names.ts). */
export const ADJECTIVES = ['Amber', 'Brave', 'Calm', 'Clever', 'Eager', 'Gentle', 'Jolly', 'Keen', 'Lucky', 'Merry', 'Quick', 'Quiet', 'Sunny', 'Swift', 'Tidy', 'Witty'];
export const ANIMALS = ['Badger', 'Crane', 'Dolphin', 'Falcon', 'Fox', 'Heron', 'Koala', 'Lynx', 'Otter', 'Owl', 'Panda', 'Puffin', 'Robin', 'Seal', 'Tiger', 'Wren'];

/** Distinct, readable on white, AA contrast for 3px strokes. */
export const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bc4c00', '#0a7b83', '#bf3989', '#6e7781', '#953800', '#116329'];

export function generatedName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${ANIMALS[randomInt(ANIMALS.length)]}`;
}
