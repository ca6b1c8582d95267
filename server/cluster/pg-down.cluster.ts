/**
 * PostgreSQL goes away: ink still crosses nodes and results still arrive, health says degraded,
 * and acks wait (an ack means "stored in PostgreSQL"). When it returns, the waiting writes are
 * flushed: every stroke acknowledged exactly once and stored exactly once, and the logged-in
 * writer's number drawn during the outage reaches their history once.
 */
import { expect, inject, it } from 'vitest';
import { BoardClient } from './client.js';
import { createRoom, strokeRowCounts } from './cluster.js';
import { inkLog, useCluster } from './fixture.js';
import { recordFigures } from './figures.js';
import { databaseOk, degradedOn, healthUntil } from './health.js';
import { sleep, waitFor } from './ports.js';

const fx = useCluster(2);

it('keeps recognizing without PostgreSQL, holds acks, and flushes once it returns', async () => {
  const { pause, resume } = fx.cluster.pg;
  if (!pause || !resume) throw new Error('scripts/db-pg-fx.cluster.ts has no pause()/resume() yet');
  const [node1, node2] = fx.cluster.nodes;
  const room = await createRoom(node1.url);
  const me = await fx.signIn(node1.url, 'pg');
  const { cookie } = me;
  const a = fx.client(room, node1.wsUrl, 'A@node1', { cookie });
  const c = fx.client(room, node2.wsUrl, 'C@node2');
  await a.connect();
  await c.connect();
  const { drawn, draw } = inkLog();
  draw(a, 100, 'a');
  await a.allAcked();

  const pausedAt = performance.now();
  await pause.call(fx.cluster.pg);
  const degradedMs = await healthUntil(fx.cluster.nodes, 'degraded (database down)', degradedOn('database'), pausedAt, 20_000);
  console.log(`postgres paused: both nodes degraded after ${degradedMs} ms`);

  // Ink and results keep flowing; acks wait.
  // One pen-up at a time, each waiting for its result (see history.cluster.ts for why).
  const resultFor = (x: BoardClient, id: string) => x.until(`a result for ${id}`, () => x.results.some((r) => r.msg.groups.some((g) => g.strokeIds.includes(id))), 5_000);
  const duringA: string[] = [];
  for (const xPos of [300, 500, 700]) {
    duringA.push(draw(a, xPos, 'a'));
    await resultFor(a, duringA.at(-1)!);
  }
  const duringC = [draw(c, 900, 'c'), draw(c, 1100, 'c')];
  for (const id of duringA) await c.until(`${id} across nodes`, () => c.board.get(id)?.done, 5_000);
  for (const id of duringC) await a.until(`${id} across nodes`, () => a.board.get(id)?.done, 5_000);
  for (const id of duringC) await resultFor(c, id);
  await sleep(2_500); // the logged-in writer's number settles (its history write now waits too)
  const early = [...duringA, ...duringC].filter((id) => (a.acks.get(id) ?? 0) + (c.acks.get(id) ?? 0) > 0);
  expect(early, 'strokes acknowledged while PostgreSQL was down').toEqual([]);
  expect((await node1.health()).body.status).toBe('degraded');
  const queued = a.unacked.size + c.unacked.size;

  const resumedAt = performance.now();
  const downMs = Math.round(resumedAt - pausedAt);
  await resume.call(fx.cluster.pg);
  await Promise.all([a.allAcked(60_000), c.allAcked(60_000)]);
  const flushMs = Math.round(performance.now() - resumedAt);
  const healthyMs = await healthUntil(fx.cluster.nodes, 'database ok again', databaseOk, resumedAt, 60_000);
  console.log(`postgres resumed after ${downMs} ms down: ${queued} strokes acknowledged within ${flushMs} ms, health ok after ${healthyMs} ms`);

  // Each acknowledged once, stored once.
  for (const id of [...duringA, ...duringC]) expect((a.acks.get(id) ?? 0) + (c.acks.get(id) ?? 0), `acks for ${id}`).toBe(1);
  const ids = [...drawn.keys()];
  expect(Object.fromEntries(await strokeRowCounts(fx.cluster, ids)), 'rows per stroke in PostgreSQL').toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
  // The writer's numbers: the one before the outage and the three during it, once each.
  const rows = await waitFor(
    'four history rows',
    async () => {
      const r = await fx.cluster.query<{ strokes: number[][][] }>(`SELECT strokes FROM recognitions WHERE "userId" = $1`, [me.id]);
      return r.length >= 4 ? r : null;
    },
    20_000,
    250,
  ).catch(async (err) => {
    const r = await fx.cluster.query<{ strokes: number[][][] }>(`SELECT strokes FROM recognitions WHERE "userId" = $1`, [me.id]);
    throw new Error(`${(err as Error).message}: found ${r.map((x) => Math.round(x.strokes[0][0][0])).join(', ') || 'none'}`);
  });
  await sleep(1_000);
  const xs = (await fx.cluster.query<{ strokes: number[][][] }>(`SELECT strokes FROM recognitions WHERE "userId" = $1`, [me.id])).map((r) => Math.round(r.strokes[0][0][0])).sort((p, q) => p - q);
  expect(xs, `history after the outage (${rows.length} rows seen first)`).toEqual([100, 300, 500, 700]);
  for (const x of [a, c]) expect(x.errors, `${x.opts.label}: errors`).toEqual([]);
  expect(node1.alive && node2.alive).toBe(true);

  recordFigures(inject('figuresDir'), 'pg-down', { degradedMs, downMs, queued, flushMs, healthyMs, ...Object.fromEntries(fx.cluster.nodes.map((n) => [`rss_${n.name}`, n.peakRssMb])) });
});
