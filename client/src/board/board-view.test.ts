import { describe, expect, it } from 'vitest';
import { BOARD_HEIGHT, BOARD_WIDTH } from './board-space.js';
import { BoardView } from './board-view.js';

describe('BoardView', () => {
  it('shows the whole board in a box of its proportions', () => {
    const view = new BoardView();
    expect(view.resize(800, 500, 16)).toBe(true);
    expect(view.unitsPerPx()).toBe(2);
    expect(view.viewWidth()).toBe(BOARD_WIDTH);
    expect([view.screenX(400), view.screenY(300)]).toEqual([200, 150]);
    expect(view.toBoard(110.04, 60, { x: 10, y: 10 }, 2)).toEqual([200.1, 100]);
    // Nothing to pan.
    expect(view.panBy(-100)).toBe(false);
  });

  it('shows a part as tall as the board in a taller box, and pans it within the board', () => {
    const view = new BoardView();
    view.resize(400, 500, 16);
    expect(view.unitsPerPx()).toBe(BOARD_HEIGHT / 500);
    expect(view.viewWidth()).toBe(800);
    // Fingers moving left move the view right, up to the board's right edge.
    expect(view.panBy(-100)).toBe(true);
    expect(view.viewX).toBe(200);
    expect(view.screenX(200)).toBe(0);
    expect(view.toBoard(0, 0, { x: 0, y: 0 }, 2)).toEqual([200, 0]);
    view.panBy(-1_000);
    expect(view.viewX).toBe(BOARD_WIDTH - 800);
    expect(view.panBy(-10)).toBe(false);
    view.panBy(10_000);
    expect(view.viewX).toBe(0);
  });

  it('keeps the view inside the board when the box widens, and says when labels must be laid out again', () => {
    const view = new BoardView();
    view.resize(400, 500, 16);
    view.panBy(-1_000);
    expect(view.resize(800, 500, 16)).toBe(true);
    expect(view.viewX).toBe(0);
    // A change of height alone keeps the labels' layout (their size follows the width and rem).
    expect(view.resize(800, 600, 16)).toBe(false);
    expect(view.resize(800, 600, 20)).toBe(true);
  });

  it('is 1:1 until it is laid out', () => {
    const view = new BoardView();
    expect(view.unitsPerPx()).toBe(1);
    expect(view.viewWidth()).toBe(BOARD_WIDTH);
  });
});
