import { LitElement, html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { styles } from './digit-board.styles.js';

/** A point of ink: canvas CSS pixels, and ms since the stroke began. */
export type Point = [x: number, y: number, t: number];

export interface StrokeDetail {
  strokeId: string;
  /** The new points only: all of them for `stroke-begin`, those since the last event for `stroke-points`. */
  points: Point[];
}

export interface StrokeEndDetail {
  strokeId: string;
}

interface Stroke {
  id: string;
  points: Point[];
}

/** Points closer than this to the previous one (CSS px) add nothing but bytes. */
const MIN_DISTANCE = 0.75;

let strokeCounter = 0;
const sessionTag = Math.random().toString(36).slice(2, 8);
const nextStrokeId = (): string => `s${sessionTag}-${(strokeCounter++).toString(36)}`;

/**
 * A canvas to write on with a mouse, a finger or a pen. Ink is painted locally on the next frame; the board
 * reports it as `stroke-begin` (pen down), `stroke-points` (at most once per animation frame) and
 * `stroke-end` (pen up) events, in canvas CSS pixels.
 *
 * @fires stroke-begin - CustomEvent<StrokeDetail>
 * @fires stroke-points - CustomEvent<StrokeDetail>
 * @fires stroke-end - CustomEvent<StrokeEndDetail>
 */
@customElement('digit-board')
export class DigitBoard extends LitElement {
  static override styles = styles;

  @query('canvas', true) private canvas!: HTMLCanvasElement;

  private context: CanvasRenderingContext2D | null = null;
  private readonly strokes: Stroke[] = [];
  private current: { stroke: Stroke; pointerId: number; origin: DOMRect; startTime: number } | undefined;
  /** Points drawn but not yet reported. */
  private pending: Point[] = [];
  private frame = 0;
  private resizeObserver: ResizeObserver | undefined;
  /** Canvas CSS size, which is the coordinate space of the ink. */
  private cssWidth = 0;
  private cssHeight = 0;
  private inkColor = '#111827';

  /** Wipes the ink. Does not emit anything: whoever calls it tells the server. */
  clear(): void {
    this.cancelFrame();
    this.pending = [];
    this.current = undefined;
    this.strokes.length = 0;
    this.redraw();
  }

  /** Whether any ink is on the board. */
  get isEmpty(): boolean {
    return this.strokes.length === 0;
  }

  override render() {
    return html`<canvas
      data-testid="board"
      role="img"
      aria-label="Drawing board: write a digit here with a mouse, a finger or a pen"
      @pointerdown=${this.onPointerDown}
      @pointermove=${this.onPointerMove}
      @pointerup=${this.onPointerUp}
      @pointercancel=${this.onPointerUp}
      @contextmenu=${(event: Event) => event.preventDefault()}
    ></canvas>`;
  }

  override firstUpdated(): void {
    this.context = this.canvas.getContext('2d');
    this.resizeObserver = new ResizeObserver((entries) => this.onResize(entries));
    try {
      // Exact device pixels where supported (Chromium, Firefox): sharp at any zoom level, and
      // it fires when devicePixelRatio changes.
      this.resizeObserver.observe(this.canvas, { box: 'device-pixel-content-box' });
    } catch {
      this.resizeObserver.observe(this.canvas);
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.resizeObserver?.observe(this.canvas);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.cancelFrame();
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
    this.inkColor = getComputedStyle(this).getPropertyValue('--board-ink').trim() || this.inkColor;
    if (width === this.canvas.width && height === this.canvas.height) return;
    // Resizing the backing store wipes it: redraw everything from the points.
    this.canvas.width = width;
    this.canvas.height = height;
    this.redraw();
  }

  private onPointerDown(event: PointerEvent): void {
    // One stroke at a time: a second finger or a right click does not draw.
    if (this.current || !event.isPrimary || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    this.canvas.setPointerCapture(event.pointerId);
    const origin = this.canvas.getBoundingClientRect();
    // The border is outside the content box that the canvas draws into.
    const style = getComputedStyle(this.canvas);
    const left = origin.left + parseFloat(style.borderLeftWidth);
    const top = origin.top + parseFloat(style.borderTopWidth);
    const stroke: Stroke = { id: nextStrokeId(), points: [] };
    this.current = { stroke, pointerId: event.pointerId, origin: new DOMRect(left, top), startTime: event.timeStamp };
    this.strokes.push(stroke);
    this.addPoint(event);
    this.pending = [];
    this.emit('stroke-begin', { strokeId: stroke.id, points: stroke.points.slice() });
    this.requestFrame();
  }

  private onPointerMove(event: PointerEvent): void {
    if (event.pointerId !== this.current?.pointerId) return;
    // Coalesced events carry every sample the hardware produced since the last frame.
    const samples = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    for (const sample of samples.length > 0 ? samples : [event]) this.addPoint(sample);
    if (this.pending.length > 0) this.requestFrame();
  }

  private onPointerUp(event: PointerEvent): void {
    const current = this.current;
    if (event.pointerId !== current?.pointerId) return;
    if (event.type === 'pointerup') this.addPoint(event);
    this.flush();
    this.current = undefined;
    if (this.canvas.hasPointerCapture(event.pointerId)) this.canvas.releasePointerCapture(event.pointerId);
    this.emit('stroke-end', { strokeId: current.stroke.id });
    this.requestFrame();
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
    this.emit('stroke-points', { strokeId: current.stroke.id, points });
  }

  private cancelFrame(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private addPoint(event: PointerEvent): void {
    const current = this.current;
    if (!current) return;
    const points = current.stroke.points;
    const x = round1(event.clientX - current.origin.x);
    const y = round1(event.clientY - current.origin.y);
    const last = points[points.length - 1];
    if (last && Math.hypot(x - last[0], y - last[1]) < MIN_DISTANCE) return;
    const t = Math.max(0, Math.round(event.timeStamp - current.startTime));
    const point: Point = [x, y, t];
    points.push(point);
    this.pending.push(point);
  }

  /**
   * Paints all the ink, each stroke as one path: a quadratic curve through the midpoints of
   * consecutive samples, which is smooth. Repainting everything each frame is cheap at this size
   * (a few thousand points) and, unlike stroking piece by piece, leaves no anti-aliasing seams.
   */
  private redraw(): void {
    const context = this.context;
    if (!context) return;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (this.cssWidth === 0 || this.cssHeight === 0) return;
    context.setTransform(this.canvas.width / this.cssWidth, 0, 0, this.canvas.height / this.cssHeight, 0, 0);
    context.lineCap = 'round';
    context.lineJoin = 'round';
    // Roughly the stroke width of a pen on paper relative to a digit, whatever the board size.
    context.lineWidth = Math.min(18, Math.max(6, Math.min(this.cssWidth, this.cssHeight) * 0.035));
    context.strokeStyle = context.fillStyle = this.inkColor;
    for (const { points } of this.strokes) {
      const first = points[0];
      if (!first) continue;
      context.beginPath();
      if (points.length === 1) {
        context.arc(first[0], first[1], context.lineWidth / 2, 0, Math.PI * 2);
        context.fill();
        continue;
      }
      context.moveTo(first[0], first[1]);
      for (let i = 1; i < points.length - 1; i++) {
        const [x, y] = points[i]!;
        const next = points[i + 1]!;
        context.quadraticCurveTo(x, y, (x + next[0]) / 2, (y + next[1]) / 2);
      }
      const last = points[points.length - 1]!;
      context.lineTo(last[0], last[1]);
      context.stroke();
    }
  }

  private emit<K extends 'stroke-begin' | 'stroke-points' | 'stroke-end'>(
    type: K,
    detail: HTMLElementEventMap[K]['detail'],
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

declare global {
  interface HTMLElementTagNameMap {
    'digit-board': DigitBoard;
  }
  interface HTMLElementEventMap {
    'stroke-begin': CustomEvent<StrokeDetail>;
    'stroke-points': CustomEvent<StrokeDetail>;
    'stroke-end': CustomEvent<StrokeEndDetail>;
  }
}
