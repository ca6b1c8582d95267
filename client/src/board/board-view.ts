import { BOARD_HEIGHT, BOARD_WIDTH } from './board-space.js';

const round1 = (value: number): number => Math.round(value * 10) / 10;

/**
 * The part of the board a canvas shows, and the way between board units and CSS pixels. The
 * board is shown at one scale, filling the canvas: a canvas of the board's proportions shows all
 * of it; a taller one shows a part as tall as the board, `viewX` from its left edge.
 */
export class BoardView {
  /** The canvas's CSS size (content box); 0 until it is laid out. */
  cssWidth = 0;
  cssHeight = 0;
  /** The root font size in CSS pixels: labels are sized in rem. */
  rem = 16;
  /** The board's left edge of the view, in board units (non-zero only when the view is narrower than the board). */
  viewX = 0;

  /** Board units per CSS pixel: the board fills the canvas's height, or its width, whichever shows it whole in that direction. */
  unitsPerPx(): number {
    return this.cssWidth > 0 && this.cssHeight > 0 ? Math.min(BOARD_WIDTH / this.cssWidth, BOARD_HEIGHT / this.cssHeight) : 1;
  }

  /** How wide the part of the board on screen is, in board units. */
  viewWidth(): number {
    return this.cssWidth > 0 ? Math.min(BOARD_WIDTH, this.cssWidth * this.unitsPerPx()) : BOARD_WIDTH;
  }

  /** A board x or y on screen, in CSS pixels from the canvas's content box. */
  screenX(x: number): number {
    return (x - this.viewX) / this.unitsPerPx();
  }

  screenY(y: number): number {
    return y / this.unitsPerPx();
  }

  /** A point on screen (client coordinates) in board units, to a tenth, given where the canvas's content box was and its scale. */
  toBoard(clientX: number, clientY: number, origin: { x: number; y: number }, scale: number): [number, number] {
    return [round1((clientX - origin.x) * scale + this.viewX), round1((clientY - origin.y) * scale)];
  }

  /**
   * The canvas has a new size (or the page a new root font size). True when labels must be laid
   * out again: they keep their size on screen, so in board units they change with the board's.
   */
  resize(cssWidth: number, cssHeight: number, rem: number): boolean {
    this.cssHeight = cssHeight;
    const relayout = cssWidth !== this.cssWidth || rem !== this.rem;
    this.cssWidth = cssWidth;
    this.rem = rem;
    this.viewX = this.clampViewX(this.viewX);
    return relayout;
  }

  /** Moves the view by `dx` CSS pixels of finger travel (the board follows the fingers). True when it moved. */
  panBy(dx: number): boolean {
    const viewX = this.clampViewX(this.viewX - dx * this.unitsPerPx());
    if (viewX === this.viewX) return false;
    this.viewX = viewX;
    return true;
  }

  private clampViewX(x: number): number {
    return Math.min(Math.max(0, x), BOARD_WIDTH - this.viewWidth());
  }
}
