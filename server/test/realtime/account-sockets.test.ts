/**
 * Logout and account deletion across nodes: two apps in one process sharing a database (so a
 * session works on both) and a throwaway redis-server. A socket on the other node is ended too.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../../common/protocol.js';
import { startRedis, type RedisServer } from '../../cluster/redis.js';
import { SIGNED_OUT_CLOSE_CODE } from '../../src/realtime/account-sockets.js';
import { Client, uniqueEmail } from '../db/helper.js';
import { build } from '../helper.js';

let redis: RedisServer;
let dir: string;
let nodeA: FastifyInstance;
let nodeB: FastifyInstance;
beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(path.join(tmpdir(), 'digitboard-accounts-'));
  const shared = { REDIS_URL: redis.url, DATABASE_URL: `file:${path.join(dir, 'digitboard.db')}` };
  nodeA = await build({ ...shared, NODE_ID: 'a' });
  nodeB = await build({ ...shared, NODE_ID: 'b' });
}, 60_000);
afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A board socket on `node` with the client's cookie, joined to a new board; resolves its close. */
async function joined(node: FastifyInstance, cookie: string) {
  const ws: WebSocket = await node.injectWS('/ws', { headers: { cookie } });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const welcome = new Promise<void>((resolve) => ws.once('message', () => resolve()));
  ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
  await welcome;
  return { ws, closed };
}

const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<null>((r) => setTimeout(() => r(null), ms))]);

describe('account sockets across nodes', () => {
  it('a logout on one node closes the session\'s socket on another (4003); other sessions stay', async () => {
    const client = new Client(nodeA);
    const email = uniqueEmail();
    await client.register(email);
    const otherBrowser = new Client(nodeA);
    await otherBrowser.login(email);
    const there = await joined(nodeB, client.cookie!);
    const untouched = await joined(nodeB, otherBrowser.cookie!);
    expect((await client.request({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    expect(await within(there.closed, 3_000)).toEqual({ code: SIGNED_OUT_CLOSE_CODE, reason: 'signed out' });
    expect(await within(untouched.closed, 100)).toBeNull();
    untouched.ws.close();
  });

  it('a deletion on one node closes the account\'s sockets on another and marks it deleted there', async () => {
    const client = new Client(nodeA);
    await client.register(uniqueEmail());
    const { id } = (await client.request({ method: 'GET', url: '/api/me' })).json();
    const there = await joined(nodeB, client.cookie!);
    expect((await client.request({ method: 'DELETE', url: '/api/me' })).statusCode).toBe(204);
    expect(await within(there.closed, 3_000)).toEqual({ code: SIGNED_OUT_CLOSE_CODE, reason: 'signed out' });
    expect(nodeB.accountSockets.isDeleted(id)).toBe(true);
  });
});
