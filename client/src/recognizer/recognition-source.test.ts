import { describe, expect, it } from 'vitest';
import type { GroupResult } from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import { covers, digitOfStroke, recognizesOnDevice, showsServer } from './recognition-source.js';

describe('the recognition source', () => {
  it('recognizes on the device when the user prefers it or the server is not online', () => {
    expect(recognizesOnDevice(false, 'online')).toBe(false);
    expect(recognizesOnDevice(true, 'online')).toBe(true);
    expect(recognizesOnDevice(false, 'offline')).toBe(true);
    expect(recognizesOnDevice(false, 'error')).toBe(true);
  });

  it("shows the server's results when online, unless the device is preferred and works", () => {
    expect(showsServer(false, 'online', 'idle')).toBe(true);
    expect(showsServer(true, 'online', 'ready')).toBe(false);
    expect(showsServer(true, 'online', 'loading')).toBe(false);
    expect(showsServer(true, 'online', 'unavailable')).toBe(true);
    expect(showsServer(false, 'offline', 'unavailable')).toBe(false);
    expect(showsServer(false, 'error', 'ready')).toBe(false);
  });

  it('takes an answer as current only when its groups hold every stroke on the board', () => {
    const groups = [{ strokeIds: ['a', 'b'] }, { strokeIds: ['c'] }] as GroupResult[];
    expect(covers(groups, ['a', 'c'])).toBe(true);
    expect(covers(groups, [])).toBe(true);
    expect(covers(groups, ['a', 'd'])).toBe(false);
    expect(covers([], ['a'])).toBe(false);
  });
});

describe('digitOfStroke', () => {
  const box = (x: number) => ({ x, y: 0, width: 10, height: 10 });
  const result = { digits: [{ box: box(0) }, { box: box(20) }, { box: box(40) }] } as Recognition;

  it('picks the digit whose box holds most of the stroke', () => {
    expect(digitOfStroke(result, [[25, 5], [28, 5], [45, 5]])).toBe(1);
  });

  it('falls back to the last digit without a stroke or without a hit, and to -1 without digits', () => {
    expect(digitOfStroke(result, undefined)).toBe(2);
    expect(digitOfStroke(result, [[100, 100]])).toBe(2);
    expect(digitOfStroke({ digits: [] } as unknown as Recognition, [[1, 1]])).toBe(-1);
  });
});
