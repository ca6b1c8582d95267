/**
 * The strength of a new password as it is typed, by the rule the server applies (zxcvbn with its
 * common-language lists, the first 64 characters, score 2 or more: server/src/db/accounts.ts).
 * zxcvbn and its dictionaries are a few hundred KB: imported on first use (a register or reset
 * form), never with the page.
 */

/** zxcvbn's 0-4 score. */
export type Score = 0 | 1 | 2 | 3 | 4;

/** The least score the server accepts. */
export const MIN_SCORE: Score = 2;

type Checker = (password: string, userInputs: string[]) => Score;

let checker: Promise<Checker> | undefined;

function load(): Promise<Checker> {
  checker ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(([core, common]) => {
    const factory = new core.ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs, maxLength: 64 });
    return (password, userInputs) => factory.check(password.normalize('NFKC'), userInputs).score as Score;
  });
  return checker;
}

/** Starts loading the checker (when a form that needs it opens). */
export function preloadStrength(): void {
  void load().catch(() => {
    // Offline or a failed chunk: the form works without the meter; the server still checks.
    checker = undefined;
  });
}

/** The password's score; the email (and its local part) count as guessable words, as on the server. */
export async function passwordScore(password: string, email: string): Promise<Score> {
  const check = await load();
  return check(password, email ? [email, email.split('@')[0]] : []);
}
