import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { GroupResult } from '../../../../common/protocol.js';
import { BoardModel } from '../../board/board-model.js';
import { BOARD_HEIGHT, BOARD_WIDTH, PEN_WIDTH } from '../../board/board-space.js';
import { nextStrokeId } from '../../board/stroke-ids.js';
import { styles } from './digit-board.styles.js';

/** A point of ink: board units (see board-space.ts), and ms since the stroke began. */
export type Point = [x: number, y: number, t: number];

export type Tool = 'pen' | 'eraser';

export interface StrokeDetail {
  strokeId: string;
  /** The new points only: all of them for `stroke-begin`, those since the last event for `stroke-points`. */
  points: Point[];
}

export interface StrokeEndDetail {
  strokeId: string;
}

export interface BoardPointerDetail {
  x: number;
  y: number;
}

/** Someone else's pointer on the board. */
export interface RemoteCursor {
  id: string;
  name: string;
  color: string;
  x: number;
  y: number;
  /** Not moved for a while: shown faded. */
  idle: boolean;
}

/** Points closer than this to the previous one (board units, about 0.75 CSS px) add nothing but bytes. */
const MIN_DISTANCE = 1.5;
/** The eraser takes strokes this close to the pointer (board units), besides the ink's own width. */
const ERASER_REACH = 10;
/** Labels of numbers this close to the right edge go on their left. */
const LABEL_FLIP_X = BOARD_WIDTH * 0.88;

const round1 = (value: number): number => Math.round(value * 10) / 10;
const percentX = (x: number): string => `${(x / BOARD_WIDTH) * 100}%`;
const percentY = (y: number): string => `${(y / BOARD_HEIGHT) * 100}%`;

/**
 * The shared board: paints everyone's ink (from a BoardModel, each stroke in its author's
 * colour), the recognized number beside each group of ink, and others' cursors. With the pen it
 * reports ink drawn here as `stroke-begin` (pen down), `stroke-points` (at most once per
 * animation frame) and `stroke-end` (pen up); with the eraser, `erase-stroke` for each stroke it
 * touches. Coordinates are board units, whatever the size of the canvas.
 *
 * @fires stroke-begin - CustomEvent<StrokeDetail>
 * @fires stroke-points - CustomEvent<StrokeDetail>
 * @fires stroke-end - CustomEvent<StrokeEndDetail>
 * @fires erase-stroke - CustomEvent<StrokeEndDetail>
 * @fires board-pointer - CustomEvent<BoardPointerDetail>, the pointer's position, for live cursors
 */
@customElement('digit-board')
export class DigitBoard extends LitElement {
  static override styles = styles;

  /** The ink to paint. The board repaints on its changes, which the owner makes (on our events, too). */
  @property({ attribute: false }) model = new BoardModel();
  @property() tool: Tool = 'pen';
  /** Numbers recognized on the board; a group is labelled while all its strokes are on the board. */
  @property({ attribute: false }) groups: readonly GroupResult[] = [];
  @property({ attribute: false }) cursors: readonly RemoteCursor[] = [];

  @query('canvas', true) private canvas!: HTMLCanvasElement;

  private context: CanvasRenderingContext2D | null = null;
  private unsubscribe: (() => void) | undefined;
  private current:
    | { id: string; pointerId: number; origin: DOMRect; scale: number; startTime: number; last: Point | undefined; tool: Tool; cancelled: boolean }
    | undefined;
  /** Points drawn but not yet reported. */
  private pending: Point[] = [];
  private frame = 0;
  private resizeObserver: ResizeObserver | undefined;
  /** Canvas CSS size (content box). */
  private cssWidth = 0;
  private cssHeight = 0;

  /** Stops drawing the stroke being drawn (someone erased it): the pen draws again on the next pen down. */
  cancelStroke(strokeId: string): void {
    if (this.current?.id !== strokeId) return;
    this.current.cancelled = true;
    this.pending = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.subscribe();
    if (this.hasUpdated) this.resizeObserver?.observe(this.canvas);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.resizeObserver?.disconnect();
    this.cancelFrame();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('model')) {
      this.subscribe();
      this.countStrokes();
      this.requestFrame();
    }
  }

  override render() {
    const labels = this.labels();
    return html`<canvas
        data-testid="board"
        data-tool=${this.tool}
        role="img"
        aria-label="Shared board: write digits here with a mouse, a finger or a pen"
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerUp}
        @contextmenu=${(event: Event) => event.preventDefault()}
      ></canvas>
      <div class="overlay">
        ${labels.length > 0
          ? html`<ol class="labels" aria-label="Numbers on the board">
              ${repeat(
                labels,
                (g) => g.id,
                (g) => {
                  const flip = g.box.x + g.box.width > LABEL_FLIP_X;
                  const style = flip
                    ? { right: percentX(BOARD_WIDTH - g.box.x), top: percentY(g.box.y) }
                    : { left: percentX(g.box.x + g.box.width), top: percentY(g.box.y) };
                  const text = g.result.text;
                  return html`<li
                    data-testid="group-label"
                    class=${`label${flip ? ' flip' : ''}${text ? '' : ' rejected'}`}
                    style=${styleMap(style)}
                    title=${text ? `Read as ${text}` : 'Not a digit'}
                  >
                    ${text || '?'}
                  </li>`;
                },
              )}
            </ol>`
          : nothing}
        ${repeat(
          this.cursors,
          (c) => c.id,
          (c) =>
            html`<div
              class="cursor"
              data-testid="cursor"
              ?data-idle=${c.idle}
              style=${styleMap({ left: percentX(c.x), top: percentY(c.y), '--cursor-color': c.color })}
            >
              <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 1l5 14 2-6 6-2z" /></svg>
              <span class="name">${c.name}</span>
            </div>`,
        )}
      </div>`;
  }

  override firstUpdated(): void {
    this.context = this.canvas.getContext('2d');
    this.countStrokes();
    this.resizeObserver = new ResizeObserver((entries) => this.onResize(entries));
    try {
      // Exact device pixels where supported (Chromium, Firefox): sharp at any zoom level, and
      // it fires when devicePixelRatio changes.
      this.resizeObserver.observe(this.canvas, { box: 'device-pixel-content-box' });
    } catch {
      this.resizeObserver.observe(this.canvas);
    }
  }

  /** Groups worth a label: read as something, and all their strokes still here (results lag the ink a little). */
  private labels(): GroupResult[] {
    return this.groups.filter(
      (g) => (g.result.text !== '' || g.result.rejected.length > 0) && g.strokeIds.every((id) => this.model.has(id)),
    );
  }

  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.model.subscribe((change) => {
      this.requestFrame();
      if (change === 'ink') return;
      this.countStrokes();
      // Labels depend on which strokes are on the board.
      if (this.groups.length > 0) this.requestUpdate();
    });
  }

  /** `data-stroke-count` on the canvas: how many strokes are on the board, for tests and tools. */
  private countStrokes(): void {
    if (this.hasUpdated) this.canvas.setAttribute('data-stroke-count', String(this.model.size));
  }

  private onResize(entries: ResizeObserverEntry[]): void {
    const entry = entries[entries.length - 1];
    if (!entry) return;
    const box = entry.contentBoxSize[0];
    this.cssWidth = box ? box.inlineSize : entry.contentRect.width;
    this.cssHeight = box ? box.blockSize : entry.contentRect.height;
    const device = entry.devicePixelContentBoxSize?.[0];
    const width = device ? device.inlineSize : Math.round(this.cssWidth * devicePixelRatio);
    const height = device ? device.blockSize : Math.round(this.cssHeight * devicePixelRatio);
    if (width === this.canvas.width && height === this.canvas.height) return;
    // Resizing the backing store wipes it: redraw everything from the points.
    this.canvas.width = width;
    this.canvas.height = height;
    this.redraw();
  }

  /** The canvas's content box on screen, and board units per CSS pixel. */
  private placement(): { origin: DOMRect; scale: number } {
    const rect = this.canvas.getBoundingClientRect();
    // The border is outside the content box that the canvas draws into.
    const style = getComputedStyle(this.canvas);
    const left = rect.left + parseFloat(style.borderLeftWidth);
    const top = rect.top + parseFloat(style.borderTopWidth);
    const width = rect.width - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
    return { origin: new DOMRect(left, top), scale: width > 0 ? BOARD_WIDTH / width : 1 };
  }

  private toBoard(event: PointerEvent, origin: DOMRect, scale: number): [number, number] {
    return [round1((event.clientX - origin.x) * scale), round1((event.clientY - origin.y) * scale)];
  }

  private onPointerDown(event: PointerEvent): void {
    // One stroke at a time: a second finger or a right click does not draw.
    if (this.current || !event.isPrimary || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    this.canvas.setPointerCapture(event.pointerId);
    const { origin, scale } = this.placement();
    const tool = this.tool;
    this.current = { id: nextStrokeId(), pointerId: event.pointerId, origin, scale, startTime: event.timeStamp, last: undefined, tool, cancelled: false };
    if (tool === 'eraser') {
      this.eraseAt(event);
      return;
    }
    this.pending = [];
    this.addPoint(event);
    const points = this.pending;
    this.pending = [];
    this.emit('stroke-begin', { strokeId: this.current.id, points });
    this.requestFrame();
  }

  private onPointerMove(event: PointerEvent): void {
    const current = this.current;
    if (event.pointerId !== current?.pointerId) {
      // Hovering: where the pointer is, for others' view of our cursor.
      if (event.isPrimary && !this.current) {
        const { origin, scale } = this.placement();
        const [x, y] = this.toBoard(event, origin, scale);
        this.emit('board-pointer', { x, y });
      }
      return;
    }
    // Coalesced events carry every sample the hardware produced since the last frame.
    const samples = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    for (const sample of samples.length > 0 ? samples : [event]) {
      if (current.tool === 'eraser') this.eraseAt(sample);
      else this.addPoint(sample);
    }
    const [x, y] = this.toBoard(event, current.origin, current.scale);
    this.emit('board-pointer', { x, y });
    if (this.pending.length > 0) this.requestFrame();
  }

  private onPointerUp(event: PointerEvent): void {
    const current = this.current;
    if (event.pointerId !== current?.pointerId) return;
    if (this.canvas.hasPointerCapture(event.pointerId)) this.canvas.releasePointerCapture(event.pointerId);
    if (current.tool === 'eraser') {
      if (event.type === 'pointerup') this.eraseAt(event);
      this.current = undefined;
      return;
    }
    if (event.type === 'pointerup') this.addPoint(event);
    this.flush();
    this.current = undefined;
    if (!current.cancelled) this.emit('stroke-end', { strokeId: current.id });
    this.requestFrame();
  }

  private eraseAt(event: PointerEvent): void {
    const current = this.current;
    if (!current) return;
    const [x, y] = this.toBoard(event, current.origin, current.scale);
    const hit = this.model.hitTest(x, y, PEN_WIDTH / 2 + ERASER_REACH);
    if (hit) this.emit('erase-stroke', { strokeId: hit });
  }

  private requestFrame(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(this.onFrame);
  }

  /** Once per frame: report the new points, then paint. */
  private readonly onFrame = (): void => {
    this.frame = 0;
    this.flush();
    this.redraw();
  };

  private flush(): void {
    const current = this.current;
    if (!current || this.pending.length === 0) return;
    const points = this.pending;
    this.pending = [];
    if (!current.cancelled) this.emit('stroke-points', { strokeId: current.id, points });
  }

  private cancelFrame(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private addPoint(event: PointerEvent): void {
    const current = this.current;
    if (!current || current.cancelled) return;
    const [x, y] = this.toBoard(event, current.origin, current.scale);
    const last = current.last;
    if (last && Math.hypot(x - last[0], y - last[1]) < MIN_DISTANCE) return;
    const t = Math.max(0, Math.round(event.timeStamp - current.startTime));
    const point: Point = [x, y, t];
    current.last = point;
    this.pending.push(point);
  }

  /**
   * Paints all the ink, each stroke as one path in its author's colour: a quadratic curve through
   * the midpoints of consecutive samples, which is smooth. Repainting everything each frame is
   * cheap at this size (a few thousand points) and, unlike stroking piece by piece, leaves no
   * anti-aliasing seams.
   */
  private redraw(): void {
    const context = this.context;
    if (!context) return;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (this.cssWidth === 0 || this.cssHeight === 0) return;
    // Board units to device pixels (the CSS aspect ratio is the board's).
    context.setTransform(this.canvas.width / BOARD_WIDTH, 0, 0, this.canvas.height / BOARD_HEIGHT, 0, 0);
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.lineWidth = PEN_WIDTH;
    for (const { points, color } of this.model.values()) {
      const first = points[0];
      if (!first) continue;
      context.strokeStyle = context.fillStyle = color;
      context.beginPath();
      // A tap (all points in one place) is drawn as a dot: canvas draws nothing for a zero-length line.
      if (points.every((p) => p[0] === first[0] && p[1] === first[1])) {
        context.arc(first[0], first[1], PEN_WIDTH / 2, 0, Math.PI * 2);
        context.fill();
        continue;
      }
      context.moveTo(first[0], first[1]);
      for (let i = 1; i < points.length - 1; i++) {
        const [x, y] = points[i];
        const next = points[i + 1];
        context.quadraticCurveTo(x, y, (x + next[0]) / 2, (y + next[1]) / 2);
      }
      const last = points[points.length - 1];
      context.lineTo(last[0], last[1]);
      context.stroke();
    }
  }

  private emit<K extends 'stroke-begin' | 'stroke-points' | 'stroke-end' | 'erase-stroke' | 'board-pointer'>(
    type: K,
    detail: HTMLElementEventMap[K]['detail'],
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'digit-board': DigitBoard;
  }
  interface HTMLElementEventMap {
    'stroke-begin': CustomEvent<StrokeDetail>;
    'stroke-points': CustomEvent<StrokeDetail>;
    'stroke-end': CustomEvent<StrokeEndDetail>;
    'erase-stroke': CustomEvent<StrokeEndDetail>;
    'board-pointer': CustomEvent<BoardPointerDetail>;
  }
}
