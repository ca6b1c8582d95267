import { describe, expect, it } from 'vitest';
import { shortcutFor } from './shortcuts-controller.js';

const keys = (key: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}) => ({
  key,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  shiftKey: mods.shift ?? false,
});

describe('shortcutFor', () => {
  it.each([
    [keys('p'), 'pen'],
    [keys('E'), 'eraser'],
    [keys('Escape'), 'clear'],
    [keys('Delete'), 'clear'],
    [keys('z', { ctrl: true }), 'undo'],
    [keys('z', { meta: true }), 'undo'],
    [keys('Z', { ctrl: true, shift: true }), 'redo'],
    [keys('y', { ctrl: true }), 'redo'],
    [keys('y', { ctrl: true, shift: true }), undefined],
    [keys('p', { shift: true }), undefined],
    [keys('e', { ctrl: true }), undefined],
    [keys('x'), undefined],
  ])('%j -> %s', (event, command) => {
    expect(shortcutFor(event)).toBe(command);
  });
});
