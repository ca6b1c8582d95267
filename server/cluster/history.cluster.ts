/**
 * History across nodes: logged-in writers on different nodes of one board lift their pens at
 * the same moment; each one's number is stored in their own history exactly once (~2 s after it
 * settles), whichever node recognized it and however the pen-ups interleave.
 */
import { expect, it } from 'vitest';
import { BoardClient, oneAt, strokeId } from './client.js';
import { createRoom } from './cluster.js';
import { useCluster } from './fixture.js';
import { sleep, waitFor } from './ports.js';

const fx = useCluster(2);

async function history(userId: string): Promise<number[]> {
  const rows = await fx.cluster.query<{ strokes: number[][][] }>(`SELECT strokes FROM recognitions WHERE "userId" = $1`, [userId]);
  return rows.map((r) => Math.round(r.strokes[0][0][0])).sort((a, b) => a - b);
}

it('stores every writer\'s numbers once when pen-ups coincide', async () => {
  const [node1, node2] = fx.cluster.nodes;
  const room = await createRoom(node1.url);
  const writers: { c: BoardClient; id: string; xs: number[] }[] = [];
  for (const [i, node] of [node1, node1, node2].entries()) {
    const me = await fx.signIn(node.url, `h${i}`);
    const c = fx.client(room, node.wsUrl, `W${i}`, { cookie: me.cookie, label: `W${i}@${node.name}` });
    await c.connect();
    writers.push({ c, id: me.id, xs: [] });
  }
  // Three rounds: every writer lifts the pen on a new number at once (separate places).
  for (let round = 0; round < 3; round++) {
    writers.forEach((w, i) => {
      const x = 100 + i * 500 + round * 160;
      w.xs.push(x);
      w.c.drawStroke(strokeId(`h${i}`), oneAt(x, 100 + round * 250));
    });
    for (const w of writers) await w.c.allAcked();
    await sleep(300);
  }
  const expected = writers.map((w) => w.xs);
  await waitFor('every number in its writer\'s history', async () => (await Promise.all(writers.map((w) => history(w.id)))).every((h, i) => h.length >= expected[i].length), 15_000, 250).catch(() => undefined);
  await sleep(1_000);
  const stored = await Promise.all(writers.map((w) => history(w.id)));
  expect(stored, 'x of each stored number, per writer').toEqual(expected);
});
