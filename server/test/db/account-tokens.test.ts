/** The tokens of account emails in the database (server/src/db/account-tokens.ts), on SQLite and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmEmail, issueToken, peekToken, purgeOldTokens, resetPassword, TOKEN_TTL_MS } from '../../src/db/account-tokens.js';
import { authenticate, createSession, createUser, getUser, hashToken, type AccountUser } from '../../src/db/accounts.js';
import { createDb, type Db } from '../../src/db/client.js';
import { migratedDatabase, PROVIDERS, stopOwnCluster, uniqueEmail, type TestDatabase } from './helper.js';

afterAll(() => stopOwnCluster());

describe.each(PROVIDERS)('account tokens on %s', (provider) => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await migratedDatabase(provider);
    db = (await createDb(database.url)).db;
    return async () => {
      await db.$disconnect();
      await database.drop();
    };
  });

  async function user(): Promise<AccountUser> {
    const created = await createUser(db, uniqueEmail('tokens'), 'correct horse battery');
    if (created === 'email_taken') throw new Error('taken');
    return created;
  }

  it('stores only the SHA-256, and expires after the purpose’s TTL (checked with an injected clock)', async () => {
    const { id } = await user();
    const t0 = new Date('2026-12-06T12:00:00Z');
    const { token, expiresAt } = await issueToken(db, id, 'reset_password', t0);
    expect(expiresAt.getTime() - t0.getTime()).toBe(TOKEN_TTL_MS.reset_password);
    expect(TOKEN_TTL_MS.reset_password).toBe(3600_000);
    expect(TOKEN_TTL_MS.confirm_email).toBe(24 * 3600_000);
    expect(await db.accountToken.count({ where: { id: token } })).toBe(0);
    expect(await db.accountToken.count({ where: { id: hashToken(token) } })).toBe(1);
    expect(await peekToken(db, token, 'reset_password', new Date(expiresAt.getTime() - 1))).toMatchObject({ userId: id });
    expect(await peekToken(db, token, 'reset_password', expiresAt)).toBe('expired');
    // A token of one purpose is no token of the other.
    expect(await peekToken(db, token, 'confirm_email', t0)).toBe('invalid');
    expect(await confirmEmail(db, token, t0)).toBe('invalid');
  });

  it('of two concurrent uses of one token exactly one wins', async () => {
    const { id } = await user();
    const now = new Date();
    const confirm = (await issueToken(db, id, 'confirm_email', now)).token;
    const results = await Promise.all([confirmEmail(db, confirm, now), confirmEmail(db, confirm, now)]);
    expect(results.filter((r) => typeof r === 'object')).toEqual([{ userId: id }]);
    expect(results.filter((r) => r === 'used')).toHaveLength(1);
    expect((await getUser(db, id))?.emailConfirmedAt).toEqual(now);

    const reset = (await issueToken(db, id, 'reset_password', now)).token;
    const resets = await Promise.all([resetPassword(db, reset, 'first new passphrase', now), resetPassword(db, reset, 'second new passphrase', now)]);
    expect(resets.filter((r) => typeof r === 'object')).toHaveLength(1);
    expect(resets.filter((r) => r === 'used')).toHaveLength(1);
    const winner = resets[0] === 'used' ? 'second new passphrase' : 'first new passphrase';
    const email = (await getUser(db, id))!.email;
    expect(await authenticate(db, email, winner)).not.toBeNull();
  });

  it('a reset ends every session, voids the other reset links, confirms the email; nothing happens on a refused token', async () => {
    const { id, email } = await user();
    const sessions = [await createSession(db, id), await createSession(db, id)];
    const first = (await issueToken(db, id, 'reset_password')).token;
    const second = (await issueToken(db, id, 'reset_password')).token;
    expect(await resetPassword(db, 'A'.repeat(43), 'not applied at all')).toBe('invalid');
    expect(await authenticate(db, email, 'not applied at all')).toBeNull();

    const done = await resetPassword(db, second, 'brand new passphrase');
    expect(done).toEqual({ userId: id, endedSessions: expect.arrayContaining(sessions.map((s) => hashToken(s.token))) });
    expect(await db.session.count({ where: { userId: id } })).toBe(0);
    expect(await peekToken(db, first, 'reset_password')).toBe('used');
    expect((await getUser(db, id))?.emailConfirmedAt).toBeInstanceOf(Date);
    expect(await authenticate(db, email, 'correct horse battery')).toBeNull();
    expect(await authenticate(db, email, 'brand new passphrase')).not.toBeNull();
  });

  it('purges tokens a week past their expiry, and a deleted account takes its tokens along', async () => {
    const { id } = await user();
    const long = new Date('2020-01-01T00:00:00Z');
    await issueToken(db, id, 'confirm_email', long);
    const kept = await issueToken(db, id, 'confirm_email');
    expect(await purgeOldTokens(db)).toBeGreaterThanOrEqual(1);
    expect(await db.accountToken.count({ where: { userId: id } })).toBe(1);
    expect(await peekToken(db, kept.token, 'confirm_email')).toMatchObject({ userId: id });
    await db.user.delete({ where: { id } });
    expect(await db.accountToken.count({ where: { userId: id } })).toBe(0);
  });
});
