/**
 * Graceful shutdown: SIGTERM while strokes are on their way to PostgreSQL and a history record
 * is queued. The node closes its sockets with 4010, flushes its queues and exits 0; its clients
 * resume on the other node as the same participants; nothing is lost or doubled.
 */
import { expect, inject, it } from 'vitest';
import { CloseCode } from '../../common/protocol.js';
import { oneAt, strokeId } from './client.js';
import { createRoom, strokeRowCounts } from './cluster.js';
import { inkLog, useCluster } from './fixture.js';
import { recordFigures } from './figures.js';
import { sleep, waitFor } from './ports.js';

const fx = useCluster(2);

it('drains sockets and queues on SIGTERM', async () => {
  const [node1, node2] = fx.cluster.nodes;
  const room = await createRoom(node1.url);
  const me = await fx.signIn(node1.url, 'term');
  const { cookie } = me;
  const onNode1 = [fx.client(room, node1.wsUrl, 'W@node1', { cookie }), fx.client(room, node1.wsUrl, 'X@node1'), fx.client(room, node1.wsUrl, 'Y@node1')];
  const [w, x] = onNode1;
  const o = fx.client(room, node2.wsUrl, 'O@node2');
  for (const c of [...onNode1, o]) await c.connect();
  const identities = new Map(onNode1.map((c) => [c, c.you!.id]));
  const { drawn, draw } = inkLog();
  // The writer's number settles (~2 s) and is queued for history just before the signal.
  draw(w, 100, 'w');
  await w.allAcked();
  await sleep(1_950);
  // A burst of strokes still on their way to PostgreSQL when the signal comes.
  for (let i = 0; i < 6; i++) draw(x, 300 + i * 200, 'x', 500);
  await sleep(5);

  const signalAt = performance.now();
  const exit = await node1.terminate();
  console.log(`SIGTERM: node1 exited with code ${exit.code} (signal ${exit.signal}) after ${exit.ms} ms`);
  await waitFor('clients of node1 resumed on node2', () => onNode1.every((c) => c.open && c.welcomes.length >= 2), 30_000);
  const resumedMs = Math.round(performance.now() - signalAt);
  for (const c of onNode1) await c.allAcked(20_000);

  expect(exit.code, 'exit code').toBe(0);
  for (const c of onNode1) {
    expect(c.closes[0]?.code, `${c.opts.label}: first close`).toBe(CloseCode.serverShutdown);
    expect(fx.cluster.lb.backendOf(c.localPort), `${c.opts.label} now on`).toBe('node2');
    expect(c.you!.id, `${c.opts.label} kept its participant id`).toBe(identities.get(c));
  }
  const ids = [...drawn.keys()].sort();
  for (const c of [...onNode1, o]) {
    expect([...c.board.keys()].sort(), `${c.opts.label}: board`).toEqual(ids);
    for (const [id, seqs] of c.endSeqs) expect(seqs.size, `${c.opts.label}: ${id} ended at seqs ${[...seqs].join(', ')}`).toBe(1);
    expect(c.errors, `${c.opts.label}: errors`).toEqual([]);
  }
  expect(Object.fromEntries(await strokeRowCounts(fx.cluster, ids)), 'rows per stroke in PostgreSQL').toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
  await sleep(3_000);
  const history = await fx.cluster.query<{ strokes: number[][][] }>(`SELECT strokes FROM recognitions WHERE "userId" = $1`, [me.id]);
  expect(history.map((r) => Math.round(r.strokes[0][0][0])), 'the writer history: one number, once').toEqual([100]);
  expect(node1.logLines.filter((l) => /"level":(50|60)/.test(l)), 'errors logged by node1').toEqual([]);

  recordFigures(inject('figuresDir'), 'shutdown', {
    clients: onNode1.length,
    exitCode: String(exit.code),
    exitMs: exit.ms,
    resumedMs,
    ...Object.fromEntries(fx.cluster.nodes.map((n) => [`rss_${n.name}`, n.peakRssMb])),
  });
});

it('flushes writes queued while PostgreSQL was away before it exits', async () => {
  // node1 is the node of the first test, started again; node2 served its clients meanwhile.
  const [node1, node2] = fx.cluster.nodes;
  if (!node1.alive) await node1.start();
  const room = await createRoom(node2.url);
  const me = await fx.signIn(node2.url, 'term2');
  const { cookie } = me;
  const w = fx.client(room, node1.wsUrl, 'W', { cookie, label: 'W@node1' });
  const o = fx.client(room, node2.wsUrl, 'O', { label: 'O@node2' });
  await w.connect();
  await o.connect();
  await fx.cluster.pg.pause!();
  const ids: string[] = [];
  for (const x of [100, 300, 500]) {
    const id = strokeId('q');
    ids.push(id);
    w.drawStroke(id, oneAt(x, 100));
    await w.until(`result for ${id}`, () => w.results.some((r) => r.msg.groups.some((g) => g.strokeIds.includes(id))));
  }
  await sleep(2_500); // the numbers settle: their history records wait for PostgreSQL as well
  expect(w.unacked.size, 'acks while PostgreSQL is paused').toBe(3);

  const term = node1.terminate();
  await sleep(1_000);
  await fx.cluster.pg.resume!();
  const exit = await term;
  console.log(`SIGTERM with writes queued: node1 exited with code ${exit.code} after ${exit.ms} ms (PostgreSQL back after 1 s)`);
  expect(exit.code, 'exit code').toBe(0);
  expect(w.closes[0]?.code).toBe(CloseCode.serverShutdown);
  await w.allAcked(20_000);
  expect(Object.fromEntries(await strokeRowCounts(fx.cluster, ids)), 'rows per stroke in PostgreSQL').toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
  await sleep(3_000);
  const history = await fx.cluster.query<{ strokes: number[][][] }>(`SELECT strokes FROM recognitions WHERE "userId" = $1`, [me.id]);
  expect(history.map((r) => Math.round(r.strokes[0][0][0])).sort((a, b) => a - b), 'the writer history: three numbers, once each').toEqual([100, 300, 500]);
  recordFigures(inject('figuresDir'), 'shutdown-queued', { exitCode: String(exit.code), exitMs: exit.ms, pgBackAfterMs: 1_000 });
});

