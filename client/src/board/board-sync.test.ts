import { describe, expect, it } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../../common/protocol.js';
import { BoardSync, type InkChange } from './board-sync.js';

type Welcome = Extract<ServerMessage, { type: 'welcome' }>;

const ME = { id: 'me', name: 'Calm Otter', color: '#1f6feb' };
const OTHER = { id: 'other', name: 'Keen Lynx', color: '#d1242f' };

function welcome(board?: Welcome['board']): Welcome {
  return {
    type: 'welcome',
    protocol: 3,
    model: 'test',
    room: 'r'.repeat(22),
    session: 'session',
    you: ME,
    seq: 10,
    ...(board ? { board } : {}),
    participants: [ME, OTHER],
    limits: { maxStrokes: 200, maxPointsPerStroke: 4_000, maxPointsPerMessage: 2 },
  };
}

/** A BoardSync wired to a fake connection that records what is sent. */
function setup(online = true) {
  const sent: ClientMessage[] = [];
  const changes: InkChange[] = [];
  const cancelled: string[] = [];
  const io = { online };
  const sync = new BoardSync({
    send: (message) => {
      if (!io.online) return false;
      sent.push(message);
      return true;
    },
    onInkChange: (change) => changes.push(change),
    onStrokeCancelled: (id) => cancelled.push(id),
  });
  return { sync, sent, changes, cancelled, io };
}

const theirs = (id: string, done = true) => ({ id, author: OTHER.id, color: OTHER.color, points: [[1, 1], [5, 5]], done });

describe('BoardSync', () => {
  it('sends a stroke in frames of at most maxPointsPerMessage, and keeps it until acknowledged', () => {
    const { sync, sent } = setup();
    sync.welcome(welcome({ strokes: [] }));
    sync.penDown('s1', [[0, 0, 0]]);
    sync.penMove('s1', [[1, 1, 5], [2, 2, 9], [3, 3, 12]]);
    sync.penUp('s1');
    expect(sent.map((m) => m.type)).toEqual(['stroke-begin', 'stroke-points', 'stroke-points', 'stroke-end']);
    expect(sync.model.get('s1')).toMatchObject({ done: true, color: ME.color, points: [[0, 0, 0], [1, 1, 5], [2, 2, 9], [3, 3, 12]] });

    // Not acknowledged: re-sent whole after a reconnect.
    sent.length = 0;
    sync.welcome(welcome());
    sync.resend();
    expect(sent.map((m) => m.type)).toEqual(['stroke-begin', 'stroke-points', 'stroke-end']);

    // Acknowledged: nothing to re-send.
    sync.apply({ type: 'ack', strokeId: 's1', seq: 11 });
    sent.length = 0;
    sync.resend();
    expect(sent).toEqual([]);
  });

  it('draws offline and sends everything once a session is up', () => {
    const { sync, sent, io } = setup(false);
    sync.penDown('s1', [[0, 0, 0]]);
    sync.penMove('s1', [[1, 1, 5]]);
    sync.penUp('s1');
    expect(sent).toEqual([]);
    io.online = true;
    sync.welcome(welcome({ strokes: [theirs('t1')] }));
    sync.resend();
    expect(sent.map((m) => m.type)).toEqual(['stroke-begin', 'stroke-end']);
    // The server's board plus our ink, in our colour.
    expect([...sync.model.values()].map((s) => s.id)).toEqual(['t1', 's1']);
    expect(sync.model.get('s1')?.color).toBe(ME.color);
  });

  it('drops own strokes from the re-send list when the welcome board already has them complete', () => {
    const { sync, sent } = setup();
    sync.welcome(welcome({ strokes: [] }));
    sync.penDown('s1', [[0, 0, 0]]);
    sync.penUp('s1');
    sent.length = 0;
    sync.welcome(welcome({ strokes: [{ id: 's1', author: ME.id, color: ME.color, points: [[0, 0, 0]], done: true }] }));
    sync.resend();
    expect(sent).toEqual([]);
    expect(sync.model.size).toBe(1);
  });

  it('applies others\' strokes live and ignores its own replayed by the server', () => {
    const { sync, changes } = setup();
    sync.welcome(welcome({ strokes: [] }));
    sync.penDown('s1', [[0, 0, 0]]);
    sync.penUp('s1');
    sync.apply({ type: 'stroke-begin', seq: 11, stroke: theirs('t1', false) });
    sync.apply({ type: 'stroke-points', seq: 12, strokeId: 't1', points: [[9, 9]] });
    sync.apply({ type: 'stroke-end', seq: 13, strokeId: 't1' });
    // A resume replays our own events too: our copy is at least as new.
    sync.apply({ type: 'stroke-begin', seq: 14, stroke: { id: 's1', author: ME.id, color: ME.color, points: [[0, 0, 0]], done: false } });
    sync.apply({ type: 'stroke-points', seq: 15, strokeId: 's1', points: [[7, 7]] });
    expect(sync.model.get('t1')).toMatchObject({ done: true, points: [[1, 1], [5, 5], [9, 9]] });
    expect(sync.model.get('s1')).toMatchObject({ done: true, points: [[0, 0, 0]] });
    expect(changes.filter((c) => c.type === 'stroke')).toEqual([
      { type: 'stroke', strokeId: 's1' },
      { type: 'stroke', strokeId: 't1' },
    ]);
  });

  it('undo goes through the server; redo writes the undone stroke again under a new id', () => {
    const { sync, sent } = setup();
    sync.welcome(welcome({ strokes: [] }));
    sync.penDown('s1', [[0, 0, 0], [4, 4, 8]]);
    sync.penUp('s1');
    expect(sync.canUndo).toBe(true);
    expect(sync.undo()).toBe(true);
    expect(sent.at(-1)).toEqual({ type: 'undo' });
    // Nothing changes until the server says so.
    expect(sync.model.has('s1')).toBe(true);
    sync.apply({ type: 'erased', seq: 12, strokeIds: ['s1'], by: ME.id });
    expect(sync.model.size).toBe(0);
    expect(sync.canRedo).toBe(true);

    sent.length = 0;
    expect(sync.redo()).toBe(true);
    expect(sent.map((m) => m.type)).toEqual(['stroke-begin', 'stroke-end']);
    const begin = sent[0] as Extract<ClientMessage, { type: 'stroke-begin' }>;
    expect(begin.strokeId).not.toBe('s1');
    expect(begin.points).toEqual([[0, 0, 0], [4, 4, 8]]);
    expect(sync.model.get(begin.strokeId)?.done).toBe(true);
    expect(sync.canRedo).toBe(false);
  });

  it('does not take its own erase for an undo', () => {
    const { sync } = setup();
    sync.welcome(welcome({ strokes: [theirs('t1')] }));
    sync.penDown('s1', [[0, 0, 0]]);
    sync.penUp('s1');
    sync.erase('t1');
    expect(sync.model.has('t1')).toBe(false);
    sync.undo();
    sync.apply({ type: 'erased', seq: 12, strokeIds: ['t1'], by: ME.id });
    sync.apply({ type: 'erased', seq: 13, strokeIds: ['s1'], by: ME.id });
    expect(sync.model.size).toBe(0);
    sync.redo();
    // Redo brings back our stroke's points, not theirs.
    expect([...sync.model.values()][0]?.points).toEqual([[0, 0, 0]]);
  });

  it('stops drawing a stroke that someone erased', () => {
    const { sync, sent, cancelled } = setup();
    sync.welcome(welcome({ strokes: [] }));
    sync.penDown('s1', [[0, 0, 0]]);
    sync.apply({ type: 'erased', seq: 11, strokeIds: ['s1'], by: OTHER.id });
    expect(cancelled).toEqual(['s1']);
    sent.length = 0;
    sync.penMove('s1', [[3, 3, 3]]);
    sync.penUp('s1');
    expect(sent).toEqual([]);
    expect(sync.model.size).toBe(0);
  });

  it('after its own clear keeps its ink drawn since, and drops others\' that was in flight', () => {
    const { sync, changes } = setup();
    sync.welcome(welcome({ strokes: [theirs('t1')] }));
    expect(sync.clear()).toBe(true);
    expect(sync.model.size).toBe(0);
    expect(sync.clearPending).toBe(true);
    sync.apply({ type: 'stroke-begin', seq: 11, stroke: theirs('t2', false) });
    sync.penDown('s1', [[0, 0, 0]]);
    sync.penUp('s1');
    sync.apply({ type: 'cleared', seq: 12, by: ME.id });
    expect(sync.clearPending).toBe(false);
    expect([...sync.model.values()].map((s) => s.id)).toEqual(['s1']);
    expect(changes.at(-1)).toEqual({ type: 'cleared' });
  });

  it('after someone else\'s clear erases its own unacknowledged ink so that both sides agree', () => {
    const { sync, sent, io } = setup();
    sync.welcome(welcome({ strokes: [theirs('t1')] }));
    sync.penDown('s1', [[0, 0, 0]]);
    sync.penUp('s1');
    sync.penDown('s2', [[5, 5, 0]]);
    sent.length = 0;
    sync.apply({ type: 'cleared', seq: 12, by: OTHER.id });
    expect(sync.model.size).toBe(0);
    expect(sent).toEqual([
      { type: 'erase', strokeId: 's1' },
      { type: 'erase', strokeId: 's2' },
    ]);
    // The server may not have had them: its answer is not the user's concern.
    expect(sync.absorbError('unknown_stroke')).toBe(true);
    // Ink drawn offline (the server has never seen it) survives a clear in the replay.
    io.online = false;
    sync.penDown('s3', [[1, 1, 0]]);
    sync.penUp('s3');
    sync.apply({ type: 'cleared', seq: 13, by: OTHER.id });
    expect([...sync.model.values()].map((s) => s.id)).toEqual(['s3']);
  });

  it('sends a correction with the number\'s strokes, and takes the corrected event without touching the ink', () => {
    const { sync, sent, changes, io } = setup();
    sync.welcome(welcome({ strokes: [theirs('a'), theirs('b')] }));
    changes.length = 0;
    expect(sync.correct('a', ['a', 'b'], '17')).toBe(true);
    expect(sync.correct('a', ['a', 'b'], '')).toBe(true);
    expect(sent).toEqual([
      { type: 'correct', groupId: 'a', strokeIds: ['a', 'b'], text: '17' },
      { type: 'correct', groupId: 'a', strokeIds: ['a', 'b'], text: '' },
    ]);
    sync.apply({ type: 'corrected', seq: 12, groupId: 'a', strokeIds: ['a', 'b'], text: '17', by: OTHER.id });
    expect(changes).toEqual([]);
    expect(sync.model.size).toBe(2);
    // Offline: nothing goes out, and the caller hears so.
    io.online = false;
    expect(sync.correct('a', ['a', 'b'], '4')).toBe(false);
    expect(sent).toHaveLength(2);
  });

  it('hits the top-most stroke near a point', () => {
    const { sync } = setup();
    sync.welcome(welcome({ strokes: [theirs('t1'), { ...theirs('t2'), points: [[0, 10], [10, 10]] }] }));
    expect(sync.model.hitTest(3, 3, 1)).toBe('t1');
    expect(sync.model.hitTest(5, 10.5, 1)).toBe('t2');
    expect(sync.model.hitTest(50, 50, 5)).toBeUndefined();
  });

  it('lists own completed ink not yet acknowledged, to keep across a reload', () => {
    const { sync, sent } = setup(false);
    sync.penDown('s1', [[0, 0, 0], [5, 5, 9]]);
    sync.penUp('s1');
    sync.penDown('s2', [[9, 9, 0]]);
    // s2 is still being drawn: only finished strokes are kept.
    expect(sync.pendingInk()).toEqual([{ id: 's1', points: [[0, 0, 0], [5, 5, 9]] }]);
    expect(sent).toEqual([]);
  });

  it('restores ink kept from before a reload: drawn at once, sent after the welcome, not doubled when the server has it', () => {
    const { sync, sent, io, changes } = setup(false);
    sync.restore([
      { id: 'old-1', points: [[0, 0, 0], [5, 5, 9]] },
      { id: 'old-2', points: [[20, 20, 0], [25, 25, 9]] },
    ]);
    expect(sync.model.get('old-1')).toMatchObject({ done: true });
    expect(changes).toEqual([{ type: 'replaced' }]);
    expect(sync.canUndo).toBe(true);

    // The server already has old-1 (its ack was lost before the reload): only old-2 goes out.
    io.online = true;
    sync.welcome(welcome({ strokes: [{ id: 'old-1', author: 'someone-before', color: '#000000', points: [[0, 0, 0], [5, 5, 9]], done: true }] }));
    sync.resend();
    expect(sent.filter((m) => m.type === 'stroke-begin').map((m) => (m as { strokeId: string }).strokeId)).toEqual(['old-2']);
    expect(sync.model.size).toBe(2);
    sync.apply({ type: 'ack', strokeId: 'old-2' } as Extract<ServerMessage, { type: 'ack' }>);
    expect(sync.pendingInk()).toEqual([]);
  });

  it('sends restored ink at once when the session is already up', () => {
    const { sync, sent } = setup();
    sync.welcome(welcome({ strokes: [] }));
    sync.restore([{ id: 'old-1', points: [[0, 0, 0], [5, 5, 9]] }]);
    expect(sent.map((m) => m.type)).toEqual(['stroke-begin', 'stroke-end']);
  });
});
