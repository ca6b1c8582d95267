/**
 * Account emails end to end over HTTP, through a real SMTP server on loopback: the confirmation
 * link, "forgot password" and its reset link (single use, expiry, sessions and sockets ended),
 * the same answer for unknown addresses, rate limits; mail without SMTP_URL; register on a
 * database that refuses writes. Expiry is tested by moving the clock (Date only), never by waiting.
 */
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../../common/protocol.js';
import { hashToken } from '../../src/db/accounts.js';
import { SIGNED_OUT_CLOSE_CODE } from '../../src/realtime/account-sockets.js';
import { adminQuery, buildApp, Client, migratedDatabase, postgresAdminUrl, PROVIDERS, stopOwnCluster, uniqueEmail, type TestDatabase } from '../db/helper.js';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.js';

afterAll(() => stopOwnCluster());
afterEach(() => {
  vi.useRealTimers();
});

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'violet tundra marmalade';

/** The token in a link of ours (…/#confirm-email/<token>). */
function tokenOf(link: string | undefined, kind: 'confirm-email' | 'reset-password'): string {
  const match = new RegExp(`/#${kind}/([A-Za-z0-9_-]{43})$`).exec(link ?? '');
  if (!match) throw new Error(`not a ${kind} link: ${link}`);
  return match[1];
}

/** Moves Date (only Date: timers, sockets and the database's own clocks run on) by `ms`. */
function advanceClock(ms: number): void {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'], now });
  vi.setSystemTime(now + ms);
}

/** A board socket opened with a cookie, and a promise of its close. */
async function boardSocket(app: FastifyInstance, cookie: string) {
  const ws: WebSocket = await app.injectWS('/ws', { headers: { cookie } });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const welcome = new Promise<void>((resolve) =>
    ws.on('message', (data) => {
      if (data.toString().includes('"welcome"')) resolve();
    }),
  );
  ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
  await welcome;
  return { ws, closed };
}

describe.each(PROVIDERS)('account emails on %s', (provider) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    database = await migratedDatabase(provider);
    app = await buildApp({ databaseUrl: database.url, config: { SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await database?.drop();
  });

  const post = (client: Client, url: string, payload?: object) => client.request({ method: 'POST', url, ...(payload ? { payload } : {}) });
  const me = async (client: Client) => (await client.request({ method: 'GET', url: '/api/me' })).json();

  it('register mails a confirmation link; following it confirms the email, once', async () => {
    const client = new Client(app);
    const email = uniqueEmail('confirm');
    const res = await client.register(email);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ email, emailConfirmed: false });
    expect(await me(client)).toMatchObject({ email, emailConfirmed: false });

    const mail = await smtp.next(email);
    expect(mail.subject).toBe('Confirm your email for Digitboard');
    // The request's host, as the browser showed it: no PUBLIC_URL in this app.
    expect(mail.link).toMatch(/^http:\/\/localhost:80\/#confirm-email\//);
    const token = tokenOf(mail.link, 'confirm-email');
    // Stored hashed: the row's id is the SHA-256, never the token.
    expect(await app.prisma.accountToken.count({ where: { id: hashToken(token), purpose: 'confirm_email' } })).toBe(1);
    expect(await app.prisma.accountToken.count({ where: { id: token } })).toBe(0);

    // Followed in another browser (no session): works all the same.
    const elsewhere = new Client(app);
    expect((await post(elsewhere, '/api/auth/confirm-email', { token })).statusCode).toBe(204);
    expect(await me(client)).toMatchObject({ emailConfirmed: true });

    const again = await post(elsewhere, '/api/auth/confirm-email', { token });
    expect(again.statusCode).toBe(410);
    expect(again.json()).toMatchObject({ code: 'token_used', message: expect.stringMatching(/already been used/) });
    expect((await post(client, '/api/auth/resend-confirmation')).json()).toMatchObject({ statusCode: 409, code: 'already_confirmed' });
  });

  it('a confirmation link expires after 24 hours; send again mails a new one (at most one a minute)', async () => {
    const client = new Client(app);
    const email = uniqueEmail('late');
    await client.register(email);
    const stale = tokenOf((await smtp.next(email)).link, 'confirm-email');

    const tooSoon = await post(client, '/api/auth/resend-confirmation');
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.json().code).toBe('rate_limited');

    advanceClock(24 * 3600_000 + 1_000);
    const expired = await post(client, '/api/auth/confirm-email', { token: stale });
    expect(expired.statusCode).toBe(410);
    expect(expired.json()).toMatchObject({ code: 'token_expired' });

    expect((await post(client, '/api/auth/resend-confirmation')).statusCode).toBe(202);
    const fresh = tokenOf((await smtp.next(email)).link, 'confirm-email');
    expect(fresh).not.toBe(stale);
    expect((await post(client, '/api/auth/confirm-email', { token: fresh })).statusCode).toBe(204);
    expect(await me(client)).toMatchObject({ emailConfirmed: true });
    // Signed out, there is nobody to send it to.
    expect((await post(new Client(app), '/api/auth/resend-confirmation')).statusCode).toBe(401);
  });

  it('unknown and malformed tokens: 400 invalid_token', async () => {
    for (const token of ['A'.repeat(43), 'not a token', 'x'.repeat(256)]) {
      const res = await post(new Client(app), '/api/auth/confirm-email', { token });
      expect(res.statusCode, token).toBe(400);
      expect(res.json()).toMatchObject({ code: 'invalid_token' });
      expect((await post(new Client(app), '/api/auth/reset-password', { token, password: NEW_PASSWORD })).json()).toMatchObject({ code: 'invalid_token' });
    }
  });

  it('forgot password: the same answer for a known and an unknown address; only the known one gets mail', async () => {
    const email = uniqueEmail('known');
    await new Client(app).register(email);
    await smtp.next(email); // the confirmation
    const unknown = uniqueEmail('nobody');
    const known = await post(new Client(app), '/api/auth/forgot-password', { email: email.toUpperCase() });
    const nobody = await post(new Client(app), '/api/auth/forgot-password', { email: unknown });
    expect(known.statusCode).toBe(202);
    expect(nobody.statusCode).toBe(202);
    expect(nobody.body).toBe(known.body);
    expect(nobody.headers['content-length']).toBe(known.headers['content-length']);
    expect(known.json()).toEqual({ message: expect.stringMatching(/^If an account uses this address/) });
    await app.mailer.idle();
    expect(smtp.pending(unknown)).toEqual([]);
    const mail = await smtp.next(email);
    expect(mail.subject).toBe('Reset your Digitboard password');
    tokenOf(mail.link, 'reset-password');

    // A second ask within the minute: the same answer, no second message.
    expect((await post(new Client(app), '/api/auth/forgot-password', { email })).body).toBe(known.body);
    await app.mailer.idle();
    expect(smtp.pending(email)).toEqual([]);
  });

  it('reset: new password works, old refused, every session and open socket of the account ended (4003), link single-use', async () => {
    const first = new Client(app);
    const email = uniqueEmail('reset');
    await first.register(email);
    await smtp.next(email);
    const second = new Client(app);
    expect((await second.login(email, PASSWORD)).statusCode).toBe(200);
    const tab = await boardSocket(app, second.cookie!);
    const { id } = await me(first);

    // Forgotten in a third browser, where nobody is signed in.
    const stranger = new Client(app);
    await post(stranger, '/api/auth/forgot-password', { email });
    const token = tokenOf((await smtp.next(email)).link, 'reset-password');

    // A weak password is refused and the link stays usable.
    const weak = await post(stranger, '/api/auth/reset-password', { token, password: 'password1' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'weak_password' });

    const reset = await post(stranger, '/api/auth/reset-password', { token, password: NEW_PASSWORD });
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toEqual({ email });
    expect(stranger.cookie).toBeUndefined(); // not signed in by it: the user logs in next

    expect(await tab.closed).toEqual({ code: SIGNED_OUT_CLOSE_CODE, reason: 'signed out' });
    for (const client of [first, second]) {
      const res = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: client.cookie! } });
      expect(res.statusCode).toBe(401);
    }
    expect(await app.prisma.session.count({ where: { userId: id } })).toBe(0);
    expect((await new Client(app).login(email, PASSWORD)).statusCode).toBe(401);
    const back = new Client(app);
    expect((await back.login(email, NEW_PASSWORD)).statusCode).toBe(200);
    // The link reached the inbox: that confirms the address too.
    expect(await me(back)).toMatchObject({ email, emailConfirmed: true });

    const reuse = await post(new Client(app), '/api/auth/reset-password', { token, password: 'another fine passphrase' });
    expect(reuse.statusCode).toBe(410);
    expect(reuse.json()).toMatchObject({ code: 'token_used' });
    expect((await new Client(app).login(email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('a reset link expires after one hour', async () => {
    const email = uniqueEmail('hour');
    await new Client(app).register(email);
    await smtp.next(email);
    await post(new Client(app), '/api/auth/forgot-password', { email });
    const token = tokenOf((await smtp.next(email)).link, 'reset-password');
    advanceClock(3600_000 + 1_000);
    const res = await post(new Client(app), '/api/auth/reset-password', { token, password: NEW_PASSWORD });
    expect(res.statusCode).toBe(410);
    expect(res.json()).toMatchObject({ code: 'token_expired', message: 'This link has expired; ask for a new one' });
    vi.useRealTimers();
    expect((await new Client(app).login(email, PASSWORD)).statusCode).toBe(200);
  });

  it('forgot password is rate-limited per IP, the same for known and unknown addresses', async () => {
    const client = new Client(app);
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await post(client, '/api/auth/forgot-password', { email: uniqueEmail('flood') })).statusCode);
    expect(codes).toEqual(Array(10).fill(202));
    const limited = await post(client, '/api/auth/forgot-password', { email: uniqueEmail('flood') });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });
    await app.mailer.idle();
  });

  it('register on a database that refuses writes: 503 storage_unavailable, not 500', async () => {
    let readOnly: FastifyInstance;
    if (provider === 'sqlite') {
      readOnly = app;
      // SQLite's read-only switch on the app's one connection (reads still answer).
      await app.prisma.$executeRawUnsafe('PRAGMA query_only = ON');
    } else {
      // Every connection of a new app to this database starts read-only, as on a hot standby.
      const name = new URL(database.url).pathname.slice(1);
      await adminQuery(database.url, `ALTER DATABASE "${name}" SET default_transaction_read_only = on`);
      readOnly = await buildApp({ databaseUrl: database.url });
    }
    try {
      const res = await new Client(readOnly).register(uniqueEmail('ro'));
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        statusCode: 503,
        code: 'storage_unavailable',
        error: 'Service Unavailable',
        message: 'Accounts cannot be saved right now (the database refuses writes); try again later',
      });
    } finally {
      if (provider === 'sqlite') {
        await app.prisma.$executeRawUnsafe('PRAGMA query_only = OFF');
      } else {
        await readOnly.close();
        const name = new URL(database.url).pathname.slice(1);
        // From another database: this one's sessions cannot write, not even that.
        await adminQuery(await postgresAdminUrl(), `ALTER DATABASE "${name}" SET default_transaction_read_only = off`);
      }
    }
  });
});

describe('start', () => {
  it("with SMTP_URL and without PUBLIC_URL, warns that links take the request's host", async () => {
    const lines: { level: number; msg: string }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const database = await migratedDatabase('sqlite');
    // Nothing is sent, so nothing needs to listen there.
    const app = await buildApp({ databaseUrl: database.url, config: { SMTP_URL: 'smtp://127.0.0.1:9', PUBLIC_URL: undefined }, fastify: { logger: { level: 'info', stream } } });
    try {
      expect(lines.filter((l) => /PUBLIC_URL is not set/.test(l.msg)).map((l) => l.level)).toEqual([40]);
      expect(lines.filter((l) => /mail is not being sent/.test(l.msg))).toEqual([]);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});

describe('without SMTP_URL', () => {
  it('says once at start that mail is not sent, and logs each link at info level (PUBLIC_URL as its base)', async () => {
    const lines: { level: number; msg: string; link?: string; to?: string }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const database = await migratedDatabase('sqlite');
    const app = await buildApp({
      databaseUrl: database.url,
      config: { SMTP_URL: undefined, PUBLIC_URL: 'https://digits.example.org/' },
      fastify: { logger: { level: 'info', stream } },
    });
    try {
      const notice = lines.filter((l) => /mail is not being sent/.test(l.msg));
      expect(notice).toHaveLength(1);
      expect(notice[0].level).toBe(40); // warn

      const email = uniqueEmail('logged');
      await new Client(app).register(email);
      await app.mailer.idle();
      const logged = lines.filter((l) => l.msg === 'mail not sent (no SMTP_URL): its link');
      expect(logged).toEqual([expect.objectContaining({ level: 30, to: email, link: expect.stringMatching(/^https:\/\/digits\.example\.org\/#confirm-email\/[\w-]{43}$/) })]);
      // The link works.
      const token = logged[0].link!.split('/#confirm-email/')[1];
      expect((await new Client(app).request({ method: 'POST', url: '/api/auth/confirm-email', payload: { token } })).statusCode).toBe(204);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
