/** Accounts and sessions in the database (server/src/db/accounts.ts), on SQLite and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticate,
  createSession,
  createUser,
  deleteExpiredSessions,
  deleteSession,
  deleteUser,
  hashPassword,
  hashToken,
  displayNameOf,
  getUser,
  resolveSession,
  SESSION_TTL_MS,
  setDisplayName,
  weakPassword,
} from '../../src/db/accounts.js';
import { cleanName } from '../../src/realtime/display-name.js';
import { createDb, type Db } from '../../src/db/client.js';
import { insertRecognition, newRecognitionId } from '../../src/db/recognitions.js';
import { recognitionOf } from './fixtures.js';
import { migratedDatabase, PROVIDERS, stopOwnCluster, uniqueEmail, type TestDatabase } from './helper.js';

afterAll(() => stopOwnCluster());

describe('passwords', () => {
  it('are argon2id hashes, salted', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=1\$/);
    expect(await hashPassword('correct horse battery')).not.toBe(h);
  });
});

describe('weakPassword', () => {
  it('weakPassword refuses guessable passwords and accepts passphrases', () => {
    const email = 'marguerite.duras@example.org';
    for (const weak of ['aaaaaaaa', 'password1', 'Password123', '12345678', 'qwertyuiop', 'abcdefgh', 'iloveyou2', 'marguerite.duras', 'p@ssw0rd1']) {
      expect(weakPassword(weak, email), weak).toMatch(/^Choose another password: it .+\.( .+)?$/);
    }
    expect(weakPassword('aaaaaaaa', email)).toContain('repeats');
    expect(weakPassword('password1', email)).toContain('common');
    expect(weakPassword('marguerite.duras', email)).toContain('email');
    for (const strong of ['correct horse battery', 'k9#mQ2vL', 'blue-kettle-under-moss', 'éa9Qz'.repeat(51)]) expect(weakPassword(strong, email), strong).toBeNull();
  });
});

describe('cleanName', () => {
  it('cleanName strips control, bidi and invisible characters, collapses spaces, keeps 40 units', () => {
    expect(cleanName('Ana')).toBe('Ana');
    expect(cleanName('evil\u202Egpj.exe')).toBe('evilgpj.exe'); // RIGHT-TO-LEFT OVERRIDE
    expect(cleanName('\u2066a\u2069\u200Fb\u061Cc\u200Bd')).toBe('abcd'); // isolates, marks, zero width
    expect(cleanName('  a\u0000b\u001B[31m  c\u2028d\u00A0e ')).toBe('ab[31m c d e');
    expect(cleanName('e\u0301')).toBe('é'); // NFC
    expect(cleanName('x'.repeat(39) + '😀')).toBe('x'.repeat(39)); // never half a surrogate pair
    expect(cleanName('😀'.repeat(30))).toBe('😀'.repeat(20));
    for (const empty of ['', '   ', '\u202E\u200B', null, undefined]) expect(cleanName(empty)).toBeNull();
  });
});

describe.each(PROVIDERS)('accounts on %s', (provider) => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await migratedDatabase(provider);
    db = (await createDb(database.url)).db;
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it('creates a user once per email, whatever its case', async () => {
    const email = uniqueEmail('Case');
    const u = await createUser(db, email, 'password123');
    expect(u).toMatchObject({ email: email.toLowerCase() });
    expect(await createUser(db, email.toUpperCase(), 'other-password')).toBe('email_taken');
    const stored = await db.user.findUniqueOrThrow({ where: { email: email.toLowerCase() } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored.passwordHash).not.toContain('password123');
  });

  it('authenticates the right password only', async () => {
    const email = uniqueEmail();
    await createUser(db, email, 'password123');
    expect(await authenticate(db, ` ${email.toUpperCase()} `, 'password123')).toMatchObject({ email });
    expect(await authenticate(db, email, 'password124')).toBeNull();
    expect(await authenticate(db, uniqueEmail(), 'password123')).toBeNull();
  });

  it('stores only the SHA-256 of a session token; logout revokes it', async () => {
    const u = await createUser(db, uniqueEmail(), 'password123');
    if (u === 'email_taken') throw new Error('unexpected');
    const { token, expiresAt } = await createSession(db, u.id);
    expect(await db.session.findUnique({ where: { id: token } })).toBeNull();
    expect(await db.session.findUnique({ where: { id: hashToken(token) } })).toMatchObject({ userId: u.id, expiresAt });
    expect((await resolveSession(db, token))?.user.id).toBe(u.id);
    await deleteSession(db, token);
    expect(await resolveSession(db, token)).toBeNull();
  });

  it('expires sessions, and renews one used in its second half', async () => {
    const u = await createUser(db, uniqueEmail(), 'password123');
    if (u === 'email_taken') throw new Error('unexpected');
    const now = Date.now();
    const old = await createSession(db, u.id, new Date(now - SESSION_TTL_MS - 1000));
    expect(await resolveSession(db, old.token)).toBeNull();
    expect(await db.session.count({ where: { id: hashToken(old.token) } })).toBe(0);

    const aging = await createSession(db, u.id, new Date(now - SESSION_TTL_MS * 0.75));
    const renewed = await resolveSession(db, aging.token);
    expect(renewed?.renewedUntil?.getTime()).toBeGreaterThan(aging.expiresAt.getTime());
    const fresh = await createSession(db, u.id);
    expect((await resolveSession(db, fresh.token))?.renewedUntil).toBeUndefined();

    await createSession(db, u.id, new Date(now - 2 * SESSION_TTL_MS));
    expect(await deleteExpiredSessions(db)).toBeGreaterThanOrEqual(1);
  });

  it("deleting a user removes the user's sessions, recognitions and digits, and nobody else's", async () => {
    const ids: string[] = [];
    for (const name of ['gone', 'stays']) {
      const u = await createUser(db, uniqueEmail(name), 'password123');
      if (u === 'email_taken') throw new Error('unexpected');
      ids.push(u.id);
      await createSession(db, u.id);
      await insertRecognition(db, {
        id: newRecognitionId(), userId: u.id, source: 'api', createdAt: new Date(),
        input: { strokes: [[[1, 2]]], width: 10, height: 10 }, recognition: recognitionOf('42'), latencyMs: 1,
      });
    }
    const [gone, stays] = ids;
    await deleteUser(db, gone);
    expect(await db.user.count({ where: { id: gone } })).toBe(0);
    expect(await db.session.count({ where: { userId: gone } })).toBe(0);
    expect(await db.recognition.count({ where: { userId: gone } })).toBe(0);
    expect(await db.recognizedDigit.count({ where: { recognition: { userId: gone } } })).toBe(0);
    // Orphans cannot hide behind the relation filter: count digits without a parent too.
    const orphans = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
      'SELECT count(*) AS n FROM recognized_digits d WHERE NOT EXISTS (SELECT 1 FROM recognitions r WHERE r.id = d."recognitionId")',
    );
    expect(Number(orphans[0].n)).toBe(0);
    expect(await db.recognition.count({ where: { userId: stays } })).toBe(1);
    expect(await db.recognizedDigit.count({ where: { recognition: { userId: stays } } })).toBe(2);
  });

  it('stores a cleaned display name, which is never the email', async () => {
    const email = uniqueEmail('ana');
    const user = await createUser(db, email, 'correct horse battery');
    if (user === 'email_taken') throw new Error('taken');
    expect(user.displayName).toBeNull();
    expect(await displayNameOf(db, user.id)).toBeNull();
    expect(await setDisplayName(db, user.id, ' Ana\u202E  B ')).toMatchObject({ displayName: 'Ana B' });
    expect(await displayNameOf(db, user.id)).toBe('Ana B');
    expect((await getUser(db, user.id))?.displayName).toBe('Ana B');
    expect(await setDisplayName(db, user.id, '\u200B')).toMatchObject({ displayName: null });
    // A row written around the rules is cleaned on the way out.
    await db.user.update({ where: { id: user.id }, data: { displayName: 'x\u202Ey' } });
    expect(await displayNameOf(db, user.id)).toBe('xy');
    expect(await setDisplayName(db, 'no-such-user', 'A')).toBeNull();
  });
});
