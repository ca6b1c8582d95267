/**
 * Names shown to everyone on a board (an account's display name, a hello's name) are cleaned the
 * same way: no control characters, no bidi controls (an RLO would make "evil<RLO>gpj.exe" read as
 * "evilexe.jpg" in every member's list), no invisible format characters, one space between words.
 */

/** At most this many UTF-16 units: what the hello schema allows (common/protocol.ts). */
export const DISPLAY_NAME_MAX = 40;

// \p{Cc}: C0/C1 controls (NUL, ESC, newlines...). \p{Cf}: format characters, which hold every
// bidi control (U+200E/F, U+202A-202E, U+2066-2069, U+061C) and the zero-width ones.
// Line and paragraph separators and other odd spaces become plain spaces.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu;
const SPACES = /[\p{Zs}\p{Zl}\p{Zp}]+/gu;

/**
 * The name as it may be shown: NFC, stripped of control, format (bidi) and unassigned
 * characters, spaces collapsed, at most DISPLAY_NAME_MAX units without splitting a surrogate
 * pair. Null when nothing visible is left.
 */
export function cleanName(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  let name = raw.normalize('NFC').replace(INVISIBLE, '').replace(SPACES, ' ').trim();
  if (name.length > DISPLAY_NAME_MAX) {
    name = name.slice(0, DISPLAY_NAME_MAX);
    // A high surrogate left alone at the end is half a character.
    if (/[\uD800-\uDBFF]$/.test(name)) name = name.slice(0, -1);
    name = name.trimEnd();
  }
  return name === '' ? null : name;
}
