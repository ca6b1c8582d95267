/**
 * The single-use tokens in account emails: confirm the address (24 h), reset the password (1 h).
 * A token is 32 random bytes; only its SHA-256 is stored, so a copy of the database holds no
 * usable link. Using one is a conditional update (unused and unexpired), so of two concurrent
 * uses exactly one wins.
 */
import { randomBytes } from 'node:crypto';
import { hashToken, hashPassword } from './accounts.js';
import type { Db } from './client.js';

export type TokenPurpose = 'confirm_email' | 'reset_password';

export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  confirm_email: 24 * 3600_000,
  reset_password: 3600_000,
};

/** Used and expired rows are kept this long past their expiry (a late click is told "expired"), then purged. */
const KEEP_EXPIRED_MS = 7 * 24 * 3600_000;

/** Why a token was refused. */
export type TokenRefusal = 'invalid' | 'used' | 'expired';

export interface IssuedToken {
  /** Goes into the link; never stored. */
  token: string;
  expiresAt: Date;
}

/** A new token for the user, valid for its purpose's TTL from `now`. */
export async function issueToken(db: Db, userId: string, purpose: TokenPurpose, now = new Date()): Promise<IssuedToken> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + TOKEN_TTL_MS[purpose]);
  await db.accountToken.create({ data: { id: hashToken(token), userId, purpose, createdAt: now, expiresAt } });
  return { token, expiresAt };
}

/** When the user was last sent a token for this purpose (to space out mails to one address), or null. */
export async function lastIssued(db: Db, userId: string, purpose: TokenPurpose): Promise<Date | null> {
  const last = await db.accountToken.findFirst({ where: { userId, purpose }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
  return last?.createdAt ?? null;
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/**
 * Marks the token used if it is unused and unexpired, and answers whose it is; otherwise why
 * not. Malformed tokens are simply unknown.
 */
async function consume(tx: Tx, token: string, purpose: TokenPurpose, now: Date): Promise<{ userId: string } | TokenRefusal> {
  const id = hashToken(token);
  const { count } = await tx.accountToken.updateMany({ where: { id, purpose, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  const row = await tx.accountToken.findUnique({ where: { id }, select: { userId: true, purpose: true, usedAt: true, expiresAt: true } });
  if (count === 1 && row) return { userId: row.userId };
  if (!row || row.purpose !== purpose) return 'invalid';
  return row.usedAt ? 'used' : 'expired';
}

/** Checks a token without using it: whose it is (with the email), or why it cannot be used. */
export async function peekToken(db: Db, token: string, purpose: TokenPurpose, now = new Date()): Promise<{ userId: string; email: string } | TokenRefusal> {
  const row = await db.accountToken.findUnique({ where: { id: hashToken(token) }, select: { purpose: true, usedAt: true, expiresAt: true, user: { select: { id: true, email: true } } } });
  if (!row || row.purpose !== purpose) return 'invalid';
  if (row.usedAt) return 'used';
  if (row.expiresAt <= now) return 'expired';
  return { userId: row.user.id, email: row.user.email };
}

/** Uses a confirmation token: the account's email is confirmed from `now` (if it was not already). */
export async function confirmEmail(db: Db, token: string, now = new Date()): Promise<{ userId: string } | TokenRefusal> {
  return db.$transaction(async (tx) => {
    const used = await consume(tx, token, 'confirm_email', now);
    if (typeof used === 'string') return used;
    await tx.user.updateMany({ where: { id: used.userId, emailConfirmedAt: null }, data: { emailConfirmedAt: now } });
    return used;
  });
}

export interface PasswordReset {
  userId: string;
  /** The ids (token SHA-256s) of the sessions that were ended: their sockets are to be closed. */
  endedSessions: string[];
}

/**
 * Uses a reset token: sets the new password, deletes every session of the account, voids its other
 * reset links, and confirms the email (the link reached its inbox). One transaction: either all
 * of it happens or none, and the token stays usable if it failed.
 */
export async function resetPassword(db: Db, token: string, newPassword: string, now = new Date()): Promise<PasswordReset | TokenRefusal> {
  // Hashed before the transaction: argon2 takes tens of ms, and SQLite holds its one connection meanwhile.
  const passwordHash = await hashPassword(newPassword);
  return db.$transaction(async (tx) => {
    const used = await consume(tx, token, 'reset_password', now);
    if (typeof used === 'string') return used;
    const { userId } = used;
    const user = await tx.user.findUnique({ where: { id: userId }, select: { emailConfirmedAt: true } });
    await tx.user.update({ where: { id: userId }, data: { passwordHash, emailConfirmedAt: user?.emailConfirmedAt ?? now } });
    const sessions = await tx.session.findMany({ where: { userId }, select: { id: true } });
    await tx.session.deleteMany({ where: { userId } });
    await tx.accountToken.updateMany({ where: { userId, purpose: 'reset_password', usedAt: null }, data: { usedAt: now } });
    return { userId, endedSessions: sessions.map((s) => s.id) };
  });
}

/** Deletes tokens that expired more than a week ago. */
export async function purgeOldTokens(db: Db, now = new Date()): Promise<number> {
  return (await db.accountToken.deleteMany({ where: { expiresAt: { lte: new Date(now.getTime() - KEEP_EXPIRED_MS) } } })).count;
}
