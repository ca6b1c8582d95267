/**
 * The history lives in the page's hash (#history, #history/<id>): the server serves the app only
 * at / and /r/<id>, and a hash survives a reload of either without a new server route.
 */
export interface HistoryRoute {
  /** The record shown in detail; undefined for the list. */
  recordId?: string;
}

/** The history route a hash names, or null when it names none (the board). */
export function historyFromHash(hash: string): HistoryRoute | null {
  const match = /^#history(?:\/([\w-]{1,64}))?$/.exec(hash);
  if (!match) return null;
  return match[1] ? { recordId: match[1] } : {};
}

export function historyHash(recordId?: string): string {
  return recordId ? `#history/${recordId}` : '#history';
}
