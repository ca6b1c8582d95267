/**
 * Identity across nodes: a browser that wrote on one node and reloads onto another (the balancer
 * chose it, or the first node is gone) is the same participant there, with the same name and
 * colour, and its Undo reaches the strokes it wrote on the first node.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { oneAt, strokeId } from './client.js';
import { createRoom } from './cluster.js';
import { useCluster } from './fixture.js';

const fx = useCluster(2);

it('a reload onto another node is the same writer, and undo reaches what it wrote before', async () => {
  const [node1, node2] = fx.cluster.nodes;
  const room = await createRoom(node1.url);
  const key = randomBytes(16).toString('base64url');
  const watcher = fx.client(room, node2.wsUrl, 'Watcher', { reconnect: false });
  await watcher.connect();

  const before = fx.client(room, node1.wsUrl, 'Writer', { client: key, reconnect: false });
  const you = (await before.connect()).you;
  const ids = [strokeId('id'), strokeId('id')];
  ids.forEach((id, i) => before.drawStroke(id, oneAt(100 + i * 300, 100)));
  await before.allAcked();
  before.close();

  // The page reloads (a new connection without a resume) and lands on the other node.
  const after = fx.client(room, node2.wsUrl, 'Someone else', { client: key, reconnect: false });
  expect((await after.connect()).you).toEqual(you);
  after.raw({ type: 'undo' });
  after.raw({ type: 'undo' });
  await watcher.until('both strokes undone', () => ids.every((id) => !watcher.board.has(id)));
  expect(after.errors).toEqual([]);

  // Another browser on the same board is another writer.
  const stranger = fx.client(room, node2.wsUrl, 'Stranger', { client: randomBytes(16).toString('base64url'), reconnect: false });
  expect((await stranger.connect()).you.id).not.toBe(you.id);
});
