/**
 * Boards span nodes: clients of one room on three different nodes see each other's ink, erasures,
 * clears, cursors, presence and results, with room-wide seqs; a late joiner on another node gets
 * the whole board. Measures point fan-out across nodes (p50/p99) next to fan-out within a node.
 */
import { describe, expect, inject, it } from 'vitest';
import type { ServerMessage } from '../../common/protocol.js';
import { summarize } from '../bench/stats.js';
import { BoardClient, oneAt, strokeId, type ClientOptions } from './client.js';
import { createRoom, register } from './cluster.js';
import { useCluster } from './fixture.js';
import { recordFigures } from './figures.js';
import { sleep } from './ports.js';

const fx = useCluster(3);

function client(nodeIndex: number, room: string, name: string, extra: Partial<ClientOptions> = {}): BoardClient {
  return fx.client(room, fx.cluster.nodes[nodeIndex].wsUrl, name, { label: `${name}@${fx.cluster.nodes[nodeIndex].name}`, ...extra });
}

describe('one board across three nodes', () => {
  it('shows ink, acks, results, presence, cursors, erasures and clears on every node, with one seq per room', async () => {
    const room = await createRoom(fx.cluster.nodes[0].url);
    const a = client(0, room, 'Ada');
    const b = client(1, room, 'Bob');
    const c = client(2, room, 'Cy');
    await a.connect();
    await b.connect();
    await c.connect();

    // Presence lists members on every node.
    for (const x of [a, b, c]) {
      await x.until('presence with all three', () => [a, b, c].every((y) => x.participants.some((p) => p.id === y.you!.id)), 10_000);
    }

    // Ink from node1 reaches node2 and node3, complete, with the same seq everywhere.
    const id = strokeId('a');
    const points = oneAt(200, 100);
    a.drawStroke(id, points);
    await a.allAcked();
    for (const x of [b, c]) {
      await x.until(`stroke ${id} complete`, () => x.board.get(id)?.done);
      expect(x.board.get(id)!.points).toEqual(points);
      expect(x.board.get(id)!.author).toBe(a.you!.id);
    }
    const ackSeq = [...a.endSeqs.get(id)!][0];
    expect([...b.endSeqs.get(id)!]).toEqual([ackSeq]);
    expect([...c.endSeqs.get(id)!]).toEqual([ackSeq]);

    // Results reach everyone, naming the stroke.
    for (const x of [a, b, c]) await x.until('a result with the stroke', () => x.results.some((r) => r.msg.groups.some((g) => g.strokeIds.includes(id))));

    // A stroke from node3 reaches node1.
    const id2 = strokeId('c');
    c.drawStroke(id2, oneAt(600, 100));
    await c.allAcked();
    await a.until(`stroke ${id2}`, () => a.board.get(id2)?.done);

    // Seqs are room-wide: every client is at the same seq (a writer's own events come back as its acks).
    await sleep(300);
    const at = (x: BoardClient) => Math.max(x.lastSeq, x.lastAckSeq);
    expect(new Set([a, b, c].map(at)).size, `last seq a=${at(a)} b=${at(b)} c=${at(c)}`).toBe(1);
    expect([...a.endSeqs.get(id2)!], 'the seq node1 saw for the stroke drawn on node3').toEqual([c.lastAckSeq]);

    // Cursors cross nodes.
    b.raw({ type: 'cursor', x: 321, y: 123 });
    await a.until('b cursor', () => a.cursors.get(b.you!.id)?.x === 321);
    await c.until('b cursor', () => c.cursors.get(b.you!.id)?.y === 123);

    // A late joiner on node2 gets the whole board.
    const late = client(1, room, 'Late');
    const welcome = await late.connect();
    expect(welcome.board?.strokes.map((s) => s.id).sort()).toEqual([id, id2].sort());
    expect(late.results.length, 'the latest result follows the welcome').toBeGreaterThan(0);
    late.close();

    // Erase (node2 erases node1's stroke) and clear (node3) reach every node.
    b.raw({ type: 'erase', strokeId: id });
    for (const x of [a, c]) await x.until(`stroke ${id} erased`, () => !x.board.has(id));
    c.raw({ type: 'clear' });
    for (const x of [a, b]) await x.until('board cleared', () => x.board.size === 0);

    // Leaving shows in presence on the other nodes.
    const cId = c.you!.id;
    c.close();
    for (const x of [a, b]) await x.until('c gone from presence', () => !x.participants.some((p) => p.id === cId), 10_000);

    for (const x of [a, b]) {
      expect(x.staleEvents, `${x.opts.label}: events seen twice`).toBe(0);
      expect(x.unknownStrokeEvents, `${x.opts.label}: events for strokes never begun`).toBe(0);
      expect(x.errors, `${x.opts.label}: errors`).toEqual([]);
    }
  });

  it('fans points out across nodes (measured) as well as within a node', async () => {
    const room = await createRoom(fx.cluster.nodes[0].url);
    const starts = new Map<string, number>();
    const cross: number[] = [];
    const local: number[] = [];
    // The writer is on node1; one observer on node1 (same node), one on node2 and one on node3.
    const onPoints = (into: number[]) => (msg: ServerMessage, at: number) => {
      if (msg.type !== 'stroke-points') return;
      const start = starts.get(msg.strokeId);
      if (start !== undefined) into.push(at - (start + msg.points[msg.points.length - 1][2]));
    };
    const w = client(0, room, 'Writer');
    const same = client(0, room, 'Same', { onMessage: onPoints(local) });
    const o2 = client(1, room, 'Other2', { onMessage: onPoints(cross) });
    const o3 = client(2, room, 'Other3', { onMessage: onPoints(cross) });
    for (const x of [w, same, o2, o3]) await x.connect();
    await w.until('presence of 4', () => w.participants.length === 4, 10_000);

    // 40 strokes of 30 points, one point per message at ~60 Hz (a pen on a real screen).
    const drawn: string[] = [];
    for (let s = 0; s < 40; s++) {
      const id = strokeId('f');
      drawn.push(id);
      const pts = oneAt(50 + (s % 10) * 150, 100 + Math.floor(s / 10) * 220, 180);
      const start = performance.now();
      starts.set(id, start);
      for (let k = 0; k < pts.length; k++) {
        const p = [pts[k][0], pts[k][1], Math.round((performance.now() - start) * 1000) / 1000];
        if (k === 0) w.beginStroke(id, [p]);
        else w.addPoints(id, [p]);
        await sleep(16);
      }
      w.endStroke(id);
      if (s % 10 === 9) {
        await w.allAcked();
        w.raw({ type: 'clear' });
      }
    }
    await w.allAcked();
    for (const o of [o2, o3, same]) expect(o.errors).toEqual([]);
    const crossStats = summarize(cross);
    const localStats = summarize(local);
    const penUp = summarize(w.penUpToResult);
    console.log(`fan-out across nodes: ${JSON.stringify(crossStats)}; within a node: ${JSON.stringify(localStats)}; pen-up -> result ${JSON.stringify(penUp)}`);
    expect(crossStats.n).toBeGreaterThan(2 * 40 * 29 * 0.95);
    recordFigures(inject('figuresDir'), 'fanout', {
      crossN: crossStats.n,
      crossP50: crossStats.p50,
      crossP99: crossStats.p99,
      localN: localStats.n,
      localP50: localStats.p50,
      localP99: localStats.p99,
      penUpP50: penUp.p50,
      penUpP99: penUp.p99,
      ...Object.fromEntries(fx.cluster.nodes.map((n) => [`rss_${n.name}`, n.peakRssMb])),
    });
  });

  it('honours a login session on every node', async () => {
    const [node1, node2, node3] = fx.cluster.nodes;
    const email = `everywhere-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    const cookie = await register(node1.url, email, password);
    const me = await fetch(`${node2.url}/api/me`, { headers: { cookie } });
    expect(me.status, 'GET /api/me on node2 with a cookie from node1').toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(email);
    // Log in on node3; the session works on node1; logging out on node2 ends it everywhere.
    const login = await fetch(`${node3.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(login.status).toBe(200);
    const cookie2 = login.headers.get('set-cookie')!.split(';')[0];
    expect((await fetch(`${node1.url}/api/me`, { headers: { cookie: cookie2 } })).status).toBe(200);
    // State-changing requests must name their origin (as a browser does).
    expect((await fetch(`${node2.url}/api/auth/logout`, { method: 'POST', headers: { cookie: cookie2, origin: node2.url } })).status).toBe(204);
    expect((await fetch(`${node1.url}/api/me`, { headers: { cookie: cookie2 } })).status, 'a session logged out on node2, on node1').toBe(401);
    expect((await fetch(`${node3.url}/api/me`, { headers: { cookie } })).status, 'the first session is still valid').toBe(200);
  });
});
