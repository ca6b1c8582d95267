/**
 * Stroke ids are chosen by the client and must be unique on a board that many clients write on:
 * a random prefix per page load (48 bits) and a counter. Only [A-Za-z0-9_-] is allowed.
 */
const random = new Uint8Array(6);
crypto.getRandomValues(random);
const prefix = Array.from(random, (b) => b.toString(36).padStart(2, '0')).join('');
let counter = 0;

export function nextStrokeId(): string {
  return `${prefix}-${(counter++).toString(36)}`;
}
