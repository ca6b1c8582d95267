/**
 * Users, passwords and sessions. Passwords are hashed with argon2id; sessions are random tokens
 * of which only the SHA-256 is stored, so a copy of the database holds no usable session.
 */
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { createHash, randomBytes } from 'node:crypto';
import { cleanName } from '../realtime/display-name.js';
import { Prisma, type Db } from './client.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
/** A session lives this long, and is renewed when used in its second half. */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * argon2id with RFC 9106's second recommended memory and passes (64 MiB, t=3), one lane, and
 * 64 MiB per hash in flight (libuv runs at most 4). OWASP's floor (19 MiB, t=2) is too cheap for
 * an attacker who has the hashes.
 * `2` is Algorithm.Argon2id: the library declares an ambient const enum, which isolatedModules
 * does not let us read.
 */
const ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 65_536, timeCost: 3, parallelism: 1 };

export interface AccountUser {
  id: string;
  email: string;
  /** The name shown on boards, chosen by the user (null: not chosen). */
  displayName: string | null;
  /** When the address was confirmed (through an emailed link), or null. */
  emailConfirmedAt: Date | null;
  createdAt: Date;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The same password typed on different keyboards (composed or decomposed accents) matches. */
function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * zxcvbn with its language-independent lists (the ~30,000 most common passwords from breach
 * corpora, common names, Wikipedia words, keyboard layouts), all inside the npm package: no
 * network. It runs on the event loop, and its l33t matcher costs up to ~60 ms on 64 crafted
 * characters, so only the first 64 are scored (register is rate-limited per IP as well).
 */
const strength = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, maxLength: 64 });
/** zxcvbn's score 2: about 10^6 guesses or more, out of reach of an online attack (its guide). */
const MIN_SCORE = 2;

/**
 * Why a new password is refused (too guessable: common, from a breach list, a repeat or sequence,
 * a keyboard walk, or built from the email), or null when it is good enough. Length limits are
 * the route schema's.
 */
export function weakPassword(password: string, email: string): string | null {
  const local = email.split('@')[0];
  const result = strength.check(normalizePassword(password), [email, local]);
  if (result.score >= MIN_SCORE) return null;
  const why: Record<string, string> = {
    topTen: 'it is one of the ten most common passwords',
    topHundred: 'it is one of the hundred most common passwords',
    common: 'it is on lists of common and leaked passwords',
    similarToCommon: 'it is close to a common password',
    simpleRepeat: 'it repeats a character or a short pattern',
    extendedRepeat: 'it repeats a pattern',
    sequences: 'it is a sequence like abc or 6543',
    straightRow: 'it is a row of keys on the keyboard',
    keyPattern: 'it is a pattern on the keyboard',
    userInputs: 'it is built from your email',
    recentYears: 'it ends in a recent year',
    dates: 'it is a date',
  };
  const reason = (result.feedback.warning && why[result.feedback.warning]) || 'it is too easy to guess';
  return `Choose another password: ${reason}. Longer passphrases of unrelated words work well.`;
}

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2);
}

async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalizePassword(password));
  } catch {
    return false;
  }
}

// Login with an unknown email still verifies a password, against this hash, so that the answer
// takes as long as for a known email and its timing does not tell which emails have accounts.
let decoyHash: Promise<string> | undefined;
function decoy(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return decoyHash;
}

const publicUser = { id: true, email: true, displayName: true, emailConfirmedAt: true, createdAt: true } as const;

/** Creates the account, or answers 'email_taken'. */
export async function createUser(db: Db, email: string, password: string): Promise<AccountUser | 'email_taken'> {
  const passwordHash = await hashPassword(password);
  try {
    return await db.user.create({ data: { email: normalizeEmail(email), passwordHash }, select: publicUser });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return 'email_taken';
    throw err;
  }
}

/** The user whose email and password these are, or null, in the same time either way. */
export async function authenticate(db: Db, email: string, password: string): Promise<AccountUser | null> {
  const user = await db.user.findUnique({ where: { email: normalizeEmail(email) } });
  const ok = await verifyPassword(user?.passwordHash ?? (await decoy()), password);
  return user && ok ? { id: user.id, email: user.email, displayName: user.displayName, emailConfirmedAt: user.emailConfirmedAt, createdAt: user.createdAt } : null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewSession {
  /** Goes to the cookie; never stored. */
  token: string;
  expiresAt: Date;
}

export async function createSession(db: Db, userId: string, now = new Date()): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.session.create({ data: { id: hashToken(token), userId, expiresAt } });
  return { token, expiresAt };
}

export interface ResolvedSession {
  user: AccountUser;
  /** Set when the session was renewed: the cookie should carry the new expiry. */
  renewedUntil?: Date;
}

/** The session's user, or null for an unknown or expired token (an expired row is deleted). */
export async function resolveSession(db: Db, token: string, now = new Date()): Promise<ResolvedSession | null> {
  const id = hashToken(token);
  const session = await db.session.findUnique({ where: { id }, include: { user: { select: publicUser } } });
  if (!session) return null;
  if (session.expiresAt <= now) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  if (session.expiresAt.getTime() - now.getTime() < SESSION_TTL_MS / 2) {
    const renewedUntil = new Date(now.getTime() + SESSION_TTL_MS);
    await db.session.updateMany({ where: { id }, data: { expiresAt: renewedUntil } });
    return { user: session.user, renewedUntil };
  }
  return { user: session.user };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { id: hashToken(token) } });
}

export async function deleteExpiredSessions(db: Db, now = new Date()): Promise<number> {
  return (await db.session.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}

/** Deletes the account and, through the foreign keys, its sessions and its whole history. */
export async function deleteUser(db: Db, userId: string): Promise<void> {
  await db.user.deleteMany({ where: { id: userId } });
}

export async function getUser(db: Db, userId: string): Promise<AccountUser | null> {
  return db.user.findUnique({ where: { id: userId }, select: publicUser });
}

/** The account of an email address (normalized first), or null. */
export async function findUserByEmail(db: Db, email: string): Promise<AccountUser | null> {
  return db.user.findUnique({ where: { email: normalizeEmail(email) }, select: publicUser });
}

/**
 * Sets the name the user shows on boards (cleaned by cleanName; an empty or invisible name, or
 * null, clears it). Null when the user does not exist.
 */
export async function setDisplayName(db: Db, userId: string, name: string | null): Promise<AccountUser | null> {
  const displayName = cleanName(name);
  const { count } = await db.user.updateMany({ where: { id: userId }, data: { displayName } });
  return count === 0 ? null : getUser(db, userId);
}

/** The name a user shows on boards, or null (none chosen, or no such user). */
export async function displayNameOf(db: Db, userId: string): Promise<string | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { displayName: true } });
  // Cleaned again on the way out: a row written before the rules (or by hand) obeys them too.
  return cleanName(user?.displayName);
}
