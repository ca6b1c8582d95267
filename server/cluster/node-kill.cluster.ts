/**
 * A node is killed (-9) mid-session. Its clients reconnect through the load balancer (which now
 * finds only the other node), resume, and re-send what was not acknowledged: one stroke ended but
 * not yet acknowledged (PostgreSQL paused, so its ack waits in the dying node's queue), one still
 * being drawn. Afterwards every client's board, a fresh joiner's board and PostgreSQL hold each
 * stroke exactly once, and the logged-in writer's history holds each of their numbers exactly once.
 */
import { expect, inject, it } from 'vitest';
import { oneAt, strokeId } from './client.js';
import { boardTables, createRoom, strokeRowCounts } from './cluster.js';
import { inkLog, useCluster } from './fixture.js';
import { recordFigures } from './figures.js';
import { sleep, waitFor } from './ports.js';

const fx = useCluster(2);

/** The user's stored board recognitions as [x of the first point, text], from PostgreSQL. */
async function history(userId: string): Promise<{ x: number; text: string }[]> {
  const rows = await fx.cluster.query<{ text: string; strokes: number[][][] }>(`SELECT text, strokes FROM recognitions WHERE "userId" = $1 AND source = 'board'`, [userId]);
  return rows.map((r) => ({ x: Math.round(r.strokes[0][0][0]), text: r.text }));
}

it('loses and doubles nothing when a node dies mid-session', async () => {
  const [node1, node2] = fx.cluster.nodes;
  const room = await createRoom(node1.url);
  const me = await fx.signIn(node1.url, 'kill');
  const { cookie } = me;
  // On node1 (to be killed): a logged-in writer, an anonymous writer, an observer. On node2: an observer.
  const w = fx.client(room, node1.wsUrl, 'Writer', { cookie });
  const x = fx.client(room, node1.wsUrl, 'Sketcher');
  const p = fx.client(room, node1.wsUrl, 'Watcher1');
  const o = fx.client(room, node2.wsUrl, 'Watcher2');
  for (const c of [w, x, p, o]) await c.connect();
  await o.until('presence of 4', () => o.participants.length === 4, 10_000);
  const identities = new Map([w, x, p].map((c) => [c, c.you!.id]));

  // Settled numbers: two "1"s by the logged-in writer, stored in history after ~2 s each.
  const { drawn: expected, draw } = inkLog();
  // One pen-up at a time, each waiting for its result: pen-ups that land during a recognition
  // run are a separate problem (see history.cluster.ts).
  for (const [c, xPos, tag] of [[w, 101, 'w'], [w, 301, 'w'], [x, 1201, 'x']] as const) {
    const id = draw(c, xPos, tag);
    await c.allAcked();
    await c.until(`result for ${id}`, () => c.results.some((r) => r.msg.groups.some((g) => g.strokeIds.includes(id))));
  }
  await waitFor('two stored recognitions', async () => (await history(me.id)).length >= 2, 15_000, 200).catch(async (err) => {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(await history(me.id))}`);
  });

  // Acknowledged but not settled yet (its history record is still a timer on node1 at the kill).
  const settling = draw(w, 501, 'w');
  await w.allAcked();
  await w.until(`result for ${settling}`, () => w.results.some((r) => r.msg.groups.some((g) => g.strokeIds.includes(settling))));
  // Ended, not acknowledged: in flight at the kill. PostgreSQL is paused so that its ack cannot
  // come before the kill (it sits in node1's write queue), while node2 has already seen it end.
  await fx.cluster.pg.pause!();
  const inFlight = draw(w, 701, 'w');
  await o.until(`${inFlight} complete on node2`, () => o.board.get(inFlight)?.done, 5_000);
  // Still being drawn at the kill: begun with half its points.
  const drawing = strokeId('x');
  const drawingPts = oneAt(1401, 100);
  x.beginStroke(drawing, drawingPts.slice(0, 1));
  x.addPoints(drawing, drawingPts.slice(1, 15));
  await sleep(30);

  const killedAt = performance.now();
  await node1.kill9();
  const wasAcked = (w.acks.get(inFlight) ?? 0) > 0;
  expect(wasAcked, 'the in-flight stroke was acknowledged while PostgreSQL was paused').toBe(false);
  await fx.cluster.pg.resume!();

  // Everyone on node1 comes back on node2, as the same participant.
  await waitFor('clients of node1 resumed', () => [w, x, p].every((c) => c.open && c.welcomes.length >= 2), 30_000);
  const reconnectMs = Math.round(performance.now() - killedAt);
  for (const c of [w, x, p]) {
    expect(fx.cluster.lb.backendOf(c.localPort), `${c.opts.label} reconnected to`).toBe('node2');
    expect(c.you!.id, `${c.opts.label} kept its participant id`).toBe(identities.get(c));
  }
  // The sketcher lifts the pen after the reconnect (the rest of its points, then stroke-end).
  x.addPoints(drawing, drawingPts.slice(15));
  x.endStroke(drawing);
  expected.set(drawing, drawingPts);
  await w.allAcked(20_000);
  await x.allAcked(20_000);
  const ackedMs = Math.round(performance.now() - killedAt);
  console.log(`node kill: reconnected in ${reconnectMs} ms, all acknowledged in ${ackedMs} ms (the in-flight stroke was ${wasAcked ? 'acknowledged before' : 'not acknowledged before'} the kill)`);

  // Every board holds each stroke once, with all its points once.
  const fresh = fx.client(room, fx.cluster.lb.wsUrl, 'Fresh');
  const welcome = await fresh.connect();
  const ids = [...expected.keys()].sort();
  expect(welcome.board, 'a fresh joiner gets the whole board').toBeDefined();
  expect(fresh.welcomeDuplicates, 'stroke ids listed twice in a welcome').toEqual([]);
  await sleep(500);
  for (const c of [w, x, p, o, fresh]) {
    const label = c.opts.label;
    expect([...c.board.keys()].sort(), `${label}: stroke ids on the board`).toEqual(ids);
    for (const [id, pts] of expected) {
      expect(c.board.get(id)!.points.length, `${label}: points of ${id}`).toBe(pts.length);
      expect(c.board.get(id)!.done, `${label}: ${id} complete`).toBe(true);
    }
    expect(c.welcomeDuplicates, `${label}: duplicates in a welcome`).toEqual([]);
    for (const [id, seqs] of c.endSeqs) expect(seqs.size, `${label}: ${id} ended at seqs ${[...seqs].join(', ')}`).toBe(1);
    expect(c.errors, `${label}: errors`).toEqual([]);
  }
  expect(o.staleEvents, 'the node2 observer saw an event twice').toBe(0);

  // Presence: everyone connected, once each, and no ghost of the dead node (its presence
  // heartbeat stops; others forget it after three missed beats, 15 s).
  const present = [w, x, p, o, fresh].map((c) => c.you!.id).sort();
  for (const c of [w, o]) {
    await c.until('presence without ghosts', () => c.participants.map((q) => q.id).sort().join() === present.join(), 20_000).catch((err) => {
      throw new Error(`${(err as Error).message}: has ${JSON.stringify(c.participants.map((q) => q.name))}`);
    });
  }

  // PostgreSQL holds each stroke once.
  const counts = await strokeRowCounts(fx.cluster, ids);
  expect(Object.fromEntries(counts), `rows per stroke in PostgreSQL (tables: ${(await boardTables(fx.cluster)).join(', ')})`).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));

  // The recovery figures stand on the checks above (the history check is about another promise).
  recordFigures(inject('figuresDir'), 'node-kill', { reconnectMs, ackedMs, ...Object.fromEntries(fx.cluster.nodes.map((n) => [`rss_${n.name}`, n.peakRssMb])) });

  // History: each of the writer's four numbers once (the two settled before the kill, the one
  // acknowledged just before it, the one in flight).
  await sleep(4_000);
  const stored = (await history(me.id)).sort((a, b) => a.x - b.x);
  // Soft: the test goes on to the restart below and fails at the end.
  expect.soft(stored.map((r) => r.x), `history rows: ${JSON.stringify(stored)}`).toEqual([101, 301, 501, 701]);
  expect.soft(stored.map((r) => r.text)).toEqual(stored.map(() => '1'));

  // The killed node comes back and serves the board as it is.
  await node1.start();
  const back = fx.client(room, node1.wsUrl, 'Back');
  const w2 = await back.connect();
  expect(w2.board!.strokes.map((s) => s.id).sort()).toEqual(ids);

});
