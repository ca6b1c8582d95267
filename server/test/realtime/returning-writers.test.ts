/** ReturningWriters: a writer who comes back (hello.client, protocol 5) is found with their strokes. */
import { describe, expect, it } from 'vitest';
import { ReturningWriters } from '../../src/realtime/returning-writers.js';

const KEY = 'k'.repeat(22);

describe('ReturningWriters', () => {
  it('after the old session is forgotten, finds the writer\'s strokes on the board in order', () => {
    const writers = new ReturningWriters();
    const me = { id: 'p1', name: 'Calm Otter', color: '#1f6feb' };
    writers.remember(KEY, me);
    const strokes = [
      { id: 'a', author: 'p1', done: true },
      { id: 'b', author: 'p2', done: true },
      { id: 'c', author: 'p1', done: false },
      { id: 'd', author: 'p1', done: true },
    ];
    expect(writers.find(KEY, [], strokes)).toEqual({ participant: me, own: ['a', 'd'] });
    expect(writers.find(undefined, [], strokes)).toBeUndefined();
    expect(writers.find('unknown-key-000000', [], strokes)).toBeUndefined();
  });

  it('takes over the session the writer left, and not one that is still connected', () => {
    const writers = new ReturningWriters();
    const me = { id: 'p1', name: 'Calm Otter', color: '#1f6feb' };
    writers.remember(KEY, me);
    const left = { session: 'old', participant: me, socket: null, own: ['a', 'd'] };
    expect(writers.find(KEY, [left], [])).toEqual({ participant: me, own: ['a', 'd'], replaces: 'old' });
    expect(writers.find(KEY, [{ ...left, socket: {} }], [])).toBeUndefined();
  });
});
