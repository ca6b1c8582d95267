/**
 * Redis goes away: every node says degraded within a few seconds and keeps serving its own
 * clients (ink between clients of one node, results, acks). Redis comes back on the same port
 * (empty, as a restarted cache is): health is ok again, ink crosses nodes again, and the boards
 * converge, all without anyone touching the nodes.
 */
import { expect, inject, it } from 'vitest';
import { createRoom } from './cluster.js';
import { inkLog, useCluster } from './fixture.js';
import { recordFigures } from './figures.js';
import { allOk, degradedOn, healthUntil } from './health.js';
import { sleep, waitFor } from './ports.js';

const fx = useCluster(2);

it('keeps local boards going without Redis and heals when it returns', async () => {
  const [node1, node2] = fx.cluster.nodes;
  const room = await createRoom(node1.url);
  const a = fx.client(room, node1.wsUrl, 'A@node1');
  const b = fx.client(room, node1.wsUrl, 'B@node1');
  const c = fx.client(room, node2.wsUrl, 'C@node2');
  for (const x of [a, b, c]) await x.connect();
  await c.until('presence of 3', () => c.participants.length === 3, 10_000);
  await healthUntil(fx.cluster.nodes, 'ok with both checks', allOk, performance.now(), 5_000);

  const { drawn, draw } = inkLog();
  draw(a, 100, 'a');
  await a.allAcked();
  await c.until('the first stroke', () => c.board.size === 1);

  // Redis dies.
  const killedAt = performance.now();
  await fx.cluster.redis.kill();
  const degradedMs = await healthUntil(fx.cluster.nodes, 'degraded (redis down)', degradedOn('redis'), killedAt, 15_000);
  console.log(`redis killed: both nodes degraded after ${degradedMs} ms`);

  // Each node still serves its own clients: ink between clients of node1, acks, results.
  const during1 = draw(a, 300, 'a');
  await b.until(`${during1} on the same node`, () => b.board.get(during1)?.done, 5_000);
  await a.allAcked(5_000);
  await a.until('a result for it', () => a.results.some((r) => r.msg.groups.some((g) => g.strokeIds.includes(during1))), 5_000);
  const during2 = draw(c, 500, 'c');
  await c.allAcked(5_000);
  await c.until('a result for it', () => c.results.some((r) => r.msg.groups.some((g) => g.strokeIds.includes(during2))), 5_000);
  expect(node1.alive && node2.alive, 'both nodes still running').toBe(true);
  await sleep(2_000);

  // Redis returns on the same port, empty.
  const restartedAt = performance.now();
  await fx.cluster.redis.restart();
  const healthyMs = await healthUntil(fx.cluster.nodes, 'ok again', allOk, restartedAt, 30_000);
  // Fan-out across nodes works again: strokes from node1 until one reaches node2's client.
  let probe = '';
  await waitFor(
    'a stroke from node1 reaching node2',
    async () => {
      if (!a.open) return false;
      probe = draw(a, 700 + (drawn.size % 5) * 40, 'probe');
      await sleep(400);
      return c.board.get(probe)?.done;
    },
    30_000,
    0,
  );
  const fanoutMs = Math.round(performance.now() - restartedAt);
  console.log(`redis restarted: health ok after ${healthyMs} ms, cross-node ink after ${fanoutMs} ms`);

  // Both ways, and the boards converge (including what each side drew during the outage).
  const after = draw(c, 1300, 'c');
  await a.until(`${after} from node2`, () => a.board.get(after)?.done, 10_000);
  for (const x of [a, b, c]) await x.allAcked(15_000);
  const ids = [...drawn.keys()].sort();
  for (const x of [a, b, c]) {
    await x.until(`board converged (${ids.length} strokes)`, () => x.open && [...x.board.keys()].sort().join() === ids.join(), 15_000).catch((err) => {
      throw new Error(`${(err as Error).message}; has ${[...x.board.keys()].sort().join(', ')}`);
    });
    for (const [id, pts] of drawn) expect(x.board.get(id)!.points.length, `${x.opts.label}: points of ${id}`).toBe(pts.length);
    for (const [id, seqs] of x.endSeqs) expect(seqs.size, `${x.opts.label}: ${id} ended at seqs ${[...seqs].join(', ')}`).toBe(1);
  }
  // Presence converges too: each client lists the three, once each.
  const present = [a, b, c].map((x) => x.you!.id).sort();
  for (const x of [a, b, c]) await x.until('presence of the three', () => x.participants.map((q) => q.id).sort().join() === present.join(), 20_000);

  // A newcomer on either node sees the same board.
  for (const node of fx.cluster.nodes) {
    const n = fx.client(room, node.wsUrl, `new@${node.name}`);
    const w = await n.connect();
    expect(w.board!.strokes.map((s) => s.id).sort(), `a newcomer on ${node.name}`).toEqual(ids);
    n.close();
  }
  const closes = [a, b, c].flatMap((x) => x.closes.map((cl) => `${x.opts.label}: ${cl.code} ${cl.reason}`));
  console.log(`closes during the outage and recovery: ${closes.join('; ') || 'none'}`);

  recordFigures(inject('figuresDir'), 'redis-down', { degradedMs, healthyMs, fanoutMs, ...Object.fromEntries(fx.cluster.nodes.map((n) => [`rss_${n.name}`, n.peakRssMb])) });
});
