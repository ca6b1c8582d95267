/**
 * The links of account emails open the app at /#confirm-email/<token> or /#reset-password/<token>
 * (server/src/mail/account-mail.ts): a fragment, so the token never reaches a server log or a
 * Referer. The account menu reads it, takes it out of the address bar, and acts on it.
 */
export type AccountRoute = { kind: 'confirm-email' | 'reset-password'; token: string };

export function accountRouteFromHash(hash: string): AccountRoute | null {
  const match = /^#(confirm-email|reset-password)\/([A-Za-z0-9_-]{1,256})$/.exec(hash);
  return match ? { kind: match[1] as AccountRoute['kind'], token: match[2] } : null;
}
