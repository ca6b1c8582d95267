/** The name this browser writes under, kept across visits: the server makes one up on the first. */
import { config } from '../config.js';

export function readName(): string | undefined {
  try {
    return localStorage.getItem(config.nameKey) ?? undefined;
  } catch {
    // Storage can be disabled (privacy settings): the server then makes up a name each time.
    return undefined;
  }
}

export function writeName(name: string): void {
  try {
    localStorage.setItem(config.nameKey, name);
  } catch {
    // As above.
  }
}
