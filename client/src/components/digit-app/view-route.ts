/**
 * The views besides the board and the history, named by the page's hash (#upload, #model) as
 * the history is (see history-route.ts): the server serves the app at / and /r/<id> only.
 */
export type PageView = 'upload' | 'model';

/** The view a hash names, or null when it names none of these. */
export function viewFromHash(hash: string): PageView | null {
  return hash === '#upload' || hash === '#model' ? (hash.slice(1) as PageView) : null;
}
