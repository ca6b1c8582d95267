/** Accounts over HTTP: register, login, logout, /api/me, deletion, cookies, CSRF, rate limits. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { PROTOCOL_VERSION, type ServerMessage } from '../../../common/protocol.js';
import { hashToken } from '../../src/db/accounts.js';
import { SIGNED_OUT_CLOSE_CODE } from '../../src/realtime/account-sockets.js';
import { RECORD_AFTER_MS } from '../../src/realtime/room.js';
import { sameOrigin, sessionUser } from '../../src/plugins/auth.js';
import { digitStrokes } from '../../../test-support/digit-strokes.js';
import { buildApp, Client, migratedDatabase, PROVIDERS, stopOwnCluster, uniqueEmail, type TestDatabase } from '../db/helper.js';

afterAll(() => stopOwnCluster());

/** A board socket opened with a client's cookie: sends, waits for a message type or the close. */
async function boardSocket(app: FastifyInstance, cookie: string | undefined) {
  const ws: WebSocket = await app.injectWS('/ws', { headers: cookie ? { cookie } : {} });
  const inbox: ServerMessage[] = [];
  let closed: { code: number; reason: string } | null = null;
  ws.on('message', (data) => {
    const parsed = JSON.parse(data.toString());
    inbox.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  });
  const closing = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve((closed = { code, reason: reason.toString() }))),
  );
  const next = async <T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> => {
    for (let waited = 0; waited < 5_000; waited += 10) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return inbox.splice(i, 1)[0] as Extract<ServerMessage, { type: T }>;
      if (closed) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no ${type} message (closed: ${JSON.stringify(closed)})`);
  };
  const send = (msg: unknown) => ws.send(JSON.stringify(msg));
  const closedWithin = (ms: number) => Promise.race([closing, new Promise<null>((r) => setTimeout(() => r(null), ms))]);
  return { ws, send, next, closedWithin };
}

/** A "1" as the client sends it: one stroke, begin, points, end. */
function drawOne(send: (m: unknown) => void, id: string) {
  send({ type: 'stroke-begin', strokeId: id, points: [[800, 300, 0]] });
  send({ type: 'stroke-points', strokeId: id, points: [[800, 400, 10], [800, 500, 20], [800, 600, 30], [800, 700, 40]] });
  send({ type: 'stroke-end', strokeId: id });
}

describe('sameOrigin', () => {
  const req = (host: string, headers: Record<string, string>) => ({ host, headers }) as unknown as FastifyRequest;
  it.each([
    ['example.com', { origin: 'https://example.com' }, true],
    ['example.com', { origin: 'http://example.com' }, true],
    ['example.com:443', { origin: 'https://example.com' }, true],
    ['localhost:3000', { origin: 'http://localhost:3000' }, true],
    ['localhost:3000', { origin: 'http://localhost:3001' }, false],
    ['localhost:3000', { origin: 'http://localhost' }, false],
    ['EXAMPLE.com', { origin: 'https://example.com' }, true],
    ['[::1]:3000', { origin: 'http://[::1]:3000' }, true],
    ['example.com', { origin: 'https://example.com.evil.net' }, false],
    ['example.com', { referer: 'https://example.com/board/1' }, true],
    ['example.com', { origin: 'null' }, false],
    ['example.com', { origin: 'not a url' }, false],
    ['example.com', {}, false],
  ])('Host %s with %j -> %s', (host, headers, expected) => {
    expect(sameOrigin(req(host, headers))).toBe(expected);
  });
});

describe.each(PROVIDERS)('accounts API on %s', (provider) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await migratedDatabase(provider);
    app = await buildApp({
      databaseUrl: database.url,
      extra: (instance) => {
        // What the WebSocket upgrade and any other route can rely on.
        instance.get('/test/who', async (request) => ({ hook: request.user, fn: await sessionUser(request) }));
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('register: 201, the account, and an HttpOnly SameSite=Lax session cookie (not Secure over http)', async () => {
    const client = new Client(app);
    const email = uniqueEmail();
    const res = await client.register(email);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: expect.any(String), email, displayName: null, emailConfirmed: false, createdAt: expect.any(String) });
    const cookie = res.cookies.find((c) => c.name === 'digitboard_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeUndefined();
    expect(cookie.expires!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    // Server-side session: the stored id is the token's SHA-256, never the token.
    expect(await app.prisma.session.count({ where: { id: hashToken(cookie.value) } })).toBe(1);
    expect(await app.prisma.session.count({ where: { id: cookie.value } })).toBe(0);

    const me = await client.request({ method: 'GET', url: '/api/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email });
  });

  it('sets Secure on the cookie behind an https proxy', async () => {
    const behindProxy = await buildApp({ databaseUrl: database.url, fastify: { trustProxy: true } });
    try {
      const res = await new Client(behindProxy).request({
        method: 'POST', url: '/api/auth/register', payload: { email: uniqueEmail(), password: 'correct horse battery' },
        headers: { 'x-forwarded-proto': 'https' }, origin: 'https://localhost:80',
      });
      expect(res.statusCode).toBe(201);
      expect(res.cookies[0]).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    } finally {
      await behindProxy.close();
    }
  });

  it('register refuses a bad email, a short or overlong password, and a taken email', async () => {
    const client = new Client(app);
    const post = (payload: object) => client.request({ method: 'POST', url: '/api/auth/register', payload });
    expect((await post({ email: 'not-an-email', password: 'correct horse battery' })).json().code).toBe('invalid_request');
    expect((await post({ email: uniqueEmail(), password: 'short12' })).statusCode).toBe(400);
    expect((await post({ email: uniqueEmail(), password: 'x'.repeat(257) })).statusCode).toBe(400);
    const long = await post({ email: uniqueEmail(), password: 'éa9Qz'.repeat(51) + 'x' });
    expect(long.statusCode).toBe(201);
    const email = uniqueEmail();
    expect((await post({ email, password: 'correct horse battery' })).statusCode).toBe(201);
    const taken = await post({ email: email.toUpperCase(), password: 'correct horse battery' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ statusCode: 409, code: 'email_taken' });
  });

  it('login: 200 with a new session; 401 with one message for a wrong password and an unknown email', async () => {
    const email = uniqueEmail();
    await new Client(app).register(email, 'the right password');
    const client = new Client(app);
    const ok = await client.login(email, 'the right password');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ email });
    expect(client.cookie).toBeDefined();

    const wrongPassword = await new Client(app).login(email, 'the wrong password');
    const unknownEmail = await new Client(app).login(uniqueEmail(), 'the right password');
    const shortPassword = await new Client(app).login(email, 'x');
    for (const res of [wrongPassword, unknownEmail, shortPassword]) {
      expect(res.statusCode).toBe(401);
      expect(res.cookies).toEqual([]);
    }
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
    expect(wrongPassword.json()).toEqual({ statusCode: 401, code: 'invalid_credentials', error: 'Unauthorized', message: 'Wrong email or password' });
  });

  it('logout: 204, the session is deleted server-side (a copied cookie no longer works)', async () => {
    const client = new Client(app);
    await client.register(uniqueEmail());
    const copied = client.cookie!;
    const out = await client.request({ method: 'POST', url: '/api/auth/logout' });
    expect(out.statusCode).toBe(204);
    expect(client.cookie).toBeUndefined();
    const replay = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: copied } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'unauthorized' });
    // Logging out without a session is fine too.
    expect((await new Client(app).request({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
  });

  it('/api/me is 401 without a session, or with a forged one', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    const forged = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `digitboard_session=${'A'.repeat(43)}` } });
    expect(forged.statusCode).toBe(401);
  });

  it('every route sees the session: request.user and sessionUser(request)', async () => {
    const client = new Client(app);
    const email = uniqueEmail();
    await client.register(email);
    const who = await client.request({ method: 'GET', url: '/test/who' });
    expect(who.json()).toEqual({ hook: { id: expect.any(String), email, displayName: null }, fn: { id: expect.any(String), email, displayName: null } });
    const anonymous = await app.inject({ method: 'GET', url: '/test/who' });
    expect(anonymous.json()).toEqual({ hook: null, fn: null });
  });

  it('CSRF: a cookie-carrying state change needs an Origin (or Referer) of this host', async () => {
    const client = new Client(app);
    await client.register(uniqueEmail());
    const logout = (opts: { origin?: string | null; headers?: Record<string, string> }) =>
      client.request({ method: 'POST', url: '/api/auth/logout', ...opts });
    const foreign = await logout({ origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ statusCode: 403, code: 'forbidden_origin' });
    expect((await logout({ origin: null })).statusCode).toBe(403);
    expect((await logout({ origin: 'null' })).statusCode).toBe(403);
    expect((await logout({ origin: null, headers: { referer: 'https://evil.example/page' } })).statusCode).toBe(403);
    const del = await client.request({ method: 'DELETE', url: '/api/me', origin: 'http://evil.example' });
    expect(del.statusCode).toBe(403);
    expect((await client.request({ method: 'GET', url: '/api/me' })).statusCode).toBe(200); // still signed in
    const recognize = await client.request({
      method: 'POST', url: '/api/recognize', origin: 'https://evil.example', payload: { strokes: digitStrokes(1), width: 300, height: 300 },
    });
    expect(recognize.statusCode).toBe(403);
    // Same site, by Referer when there is no Origin.
    expect((await logout({ origin: null, headers: { referer: 'http://localhost:80/boards' } })).statusCode).toBe(204);
  });

  it('login CSRF: sign-in from another site is refused even without a session', async () => {
    const email = uniqueEmail();
    await new Client(app).register(email);
    const res = await new Client(app).request({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'correct horse battery' }, origin: 'https://evil.example' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden_origin');
    // A non-browser client (no Origin, no cookie) may sign in.
    expect((await new Client(app).request({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'correct horse battery' }, origin: null })).statusCode).toBe(200);
  });

  it('rate-limits login and register per IP: 429 rate_limited', async () => {
    const client = new Client(app);
    const email = uniqueEmail();
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push((await client.login(email, `wrong-${i}`)).statusCode);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    const limited = await client.login(email, 'anything');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'rate_limited', error: 'Too Many Requests' });
    expect(limited.headers['retry-after']).toBeDefined();
    // Another address is not affected.
    expect((await new Client(app).login(email, 'wrong')).statusCode).toBe(401);
  });

  it("DELETE /api/me removes the account and all the user's data, and only theirs", async () => {
    const doomed = new Client(app);
    const email = uniqueEmail('doomed');
    await doomed.register(email);
    const other = new Client(app);
    await other.register(uniqueEmail('other'));
    for (const c of [doomed, other]) {
      const r = await c.request({ method: 'POST', url: '/api/recognize', payload: { strokes: digitStrokes(3), width: 300, height: 300 } });
      expect(r.statusCode).toBe(200);
    }
    await app.history.flush();
    const { id } = (await doomed.request({ method: 'GET', url: '/api/me' })).json();
    const otherId = (await other.request({ method: 'GET', url: '/api/me' })).json().id;
    expect(await app.prisma.recognition.count({ where: { userId: id } })).toBe(1);

    const copied = doomed.cookie!;
    const res = await doomed.request({ method: 'DELETE', url: '/api/me' });
    expect(res.statusCode).toBe(204);
    expect(await app.prisma.user.count({ where: { id } })).toBe(0);
    expect(await app.prisma.session.count({ where: { userId: id } })).toBe(0);
    expect(await app.prisma.recognition.count({ where: { userId: id } })).toBe(0);
    expect(await app.prisma.recognition.count({ where: { userId: otherId } })).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: copied } })).statusCode).toBe(401);
    // The email is free again.
    expect((await new Client(app).register(email)).statusCode).toBe(201);
  });

  it('register refuses common, leaked and guessable passwords with weak_password and says why', async () => {
    const post = (email: string, password: string) => new Client(app).request({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
    for (const password of ['aaaaaaaa', 'password1', '12345678', 'qwertyuiop', 'iloveyou2']) {
      const res = await post(uniqueEmail(), password);
      expect(res.statusCode, password).toBe(400);
      expect(res.json()).toMatchObject({ code: 'weak_password', message: expect.stringMatching(/^Choose another password: .+/) });
    }
    const email = uniqueEmail('marguerite');
    expect((await post(email, email)).json().code).toBe('weak_password');
    expect((await post(email, 'correct horse battery')).statusCode).toBe(201);
  });

  it('PATCH /api/me sets the board name, cleaned of control and bidi characters; null clears it', async () => {
    const client = new Client(app);
    const email = uniqueEmail('ana');
    expect((await client.register(email)).json().displayName).toBeNull();
    const patch = (displayName: unknown) => client.request({ method: 'PATCH', url: '/api/me', payload: { displayName } });
    const set = await patch('  Ana\u202E gpj.exe\u0000 \u2066x\n');
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ email, displayName: 'Ana gpj.exe x' });
    expect((await client.request({ method: 'GET', url: '/api/me' })).json().displayName).toBe('Ana gpj.exe x');
    expect((await patch('é'.repeat(60))).json().displayName).toBe('é'.repeat(40));
    expect((await patch('\u200B\u202E')).json().displayName).toBeNull();
    expect((await patch(null)).json().displayName).toBeNull();
    expect((await patch('x'.repeat(161))).statusCode).toBe(400);
    expect((await new Client(app).request({ method: 'PATCH', url: '/api/me', payload: { displayName: 'x' } })).statusCode).toBe(401);
  });

  it("a signed-in writer's board name is the one they chose, never their email's local part", async () => {
    const client = new Client(app);
    await client.register(uniqueEmail('ana.secret'));
    const chosen = await boardSocket(app, client.cookie);
    chosen.send({ type: 'hello', protocol: PROTOCOL_VERSION, name: 'Pen' });
    expect((await chosen.next('welcome')).you.name).toBe('Pen');
    chosen.ws.close();

    await client.request({ method: 'PATCH', url: '/api/me', payload: { displayName: 'Ana \u202Eevil' } });
    const named = await boardSocket(app, client.cookie);
    named.send({ type: 'hello', protocol: PROTOCOL_VERSION, name: 'Pen' });
    expect((await named.next('welcome')).you.name).toBe('Ana evil');
    named.ws.close();

    await client.request({ method: 'PATCH', url: '/api/me', payload: { displayName: null } });
    const none = await boardSocket(app, client.cookie);
    none.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    expect((await none.next('welcome')).you.name).not.toMatch(/ana|secret/i);
    none.ws.close();
  });

  it('logout ends the account on every open board socket of that session (close 4003), and only there', async () => {
    const client = new Client(app);
    await client.register(uniqueEmail());
    const other = new Client(app);
    await other.login((await client.request({ method: 'GET', url: '/api/me' })).json().email);
    const tabs = [await boardSocket(app, client.cookie), await boardSocket(app, client.cookie)];
    const elsewhere = await boardSocket(app, other.cookie);
    for (const s of [...tabs, elsewhere]) {
      s.send({ type: 'hello', protocol: PROTOCOL_VERSION });
      await s.next('welcome');
    }
    const record = vi.spyOn(app.history, 'record');
    try {
      expect((await client.request({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
      // A digit sent right after the logout is not handled as the account's.
      drawOne(tabs[0].send, 'after-logout');
      for (const tab of tabs) expect(await tab.closedWithin(2_000)).toEqual({ code: SIGNED_OUT_CLOSE_CODE, reason: 'signed out' });
      // The account's other session (another browser) keeps its socket.
      expect(await elsewhere.closedWithin(50)).toBeNull();
      elsewhere.send({ type: 'ping', t: 1 });
      await elsewhere.next('pong');
      expect(record).not.toHaveBeenCalled();
    } finally {
      record.mockRestore();
      elsewhere.ws.close();
    }
  });

  it('DELETE /api/me ends every socket of the account and no board record is written for it afterwards', async () => {
    const client = new Client(app);
    await client.register(uniqueEmail('gone'));
    const { id } = (await client.request({ method: 'GET', url: '/api/me' })).json();
    const tab = await boardSocket(app, client.cookie);
    tab.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    await tab.next('welcome');
    const record = vi.spyOn(app.history, 'record');
    // Timers run on a clock that follows real time, and that the test moves past RECORD_AFTER_MS at once.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    try {
      // A number drawn just before: its record is scheduled for when it settles.
      drawOne(tab.send, 'before-delete');
      await tab.next('result');
      expect((await client.request({ method: 'DELETE', url: '/api/me' })).statusCode).toBe(204);
      expect(await tab.closedWithin(2_000)).toEqual({ code: SIGNED_OUT_CLOSE_CODE, reason: 'signed out' });
      expect(app.accountSockets.isDeleted(id)).toBe(true);
      // Past the settle time: the record must not be handed to history.
      await vi.advanceTimersByTimeAsync(RECORD_AFTER_MS + 300);
      expect(record.mock.calls.filter(([entry]) => entry.userId === id)).toEqual([]);
      await app.history.flush();
      expect(await app.prisma.recognition.count({ where: { userId: id } })).toBe(0);
    } finally {
      vi.useRealTimers();
      record.mockRestore();
    }
  });

  it('the name a client sends in hello is cleaned like a display name', async () => {
    const tab = await boardSocket(app, undefined);
    tab.send({ type: 'hello', protocol: PROTOCOL_VERSION, name: 'evil\u202Egpj.exe' });
    expect((await tab.next('welcome')).you.name).toBe('evilgpj.exe');
    tab.ws.close();
  });
});
