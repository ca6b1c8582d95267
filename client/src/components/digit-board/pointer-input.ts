import type { BoardModel } from '../../board/board-model.js';
import { BOARD_HEIGHT, BOARD_WIDTH, PEN_WIDTH } from '../../board/board-space.js';
import type { BoardView } from '../../board/board-view.js';
import { nextStrokeId } from '../../board/stroke-ids.js';
import type { BoardEventType, Point, Tool } from './board-events.js';

/** Points closer than this to the previous one (board units, about 0.75 CSS px) add nothing but bytes. */
const MIN_DISTANCE = 1.5;
/** The eraser takes strokes this close to the pointer (board units), besides the ink's own width. */
const ERASER_REACH = 10;
/** A pen down on a label that moves less than this (CSS pixels) before it lifts is a tap on the label. */
const TAP_SLOP = 4;

/** Pen pressure (0-1, 0.5 where the device reports none) to a width factor: a light touch draws thinner, a firm one thicker. */
const pressureWidth = (pressure: number): number => 0.45 + 1.1 * Math.min(1, Math.max(0, pressure));

/** What the pointer input needs of the board it serves. */
export interface PointerInputHost {
  /** The canvas, which captures the pointer while it draws. */
  canvas(): HTMLCanvasElement;
  tool(): Tool;
  /** The ink, for the eraser to hit. */
  model(): BoardModel;
  emit<K extends BoardEventType>(type: K, detail: HTMLElementEventMap[K]['detail']): void;
  /** Report the new points and paint, on the next animation frame. */
  requestFrame(): void;
  /** Two fingers moved the view: what is drawn over the canvas follows. */
  viewMoved(): void;
  /** A tap of the pen on a number's label. */
  tapLabel(groupId: string): void;
}

interface CurrentStroke {
  id: string;
  pointerId: number;
  pointerType: string;
  /** stroke-begin has gone out: cancelling it now means taking it back. */
  begun: boolean;
  origin: DOMRect;
  scale: number;
  startTime: number;
  last: Point | undefined;
  tool: Tool;
  cancelled: boolean;
  /** Pen down on this label: a tap opens its popover, a drag writes (the stroke begins once it moves). */
  onLabel?: { groupId: string; clientX: number; clientY: number };
}

/**
 * Pointers on the board: a mouse, a finger or a pen draws one stroke at a time (or erases);
 * two fingers pan the view and never draw; while a pen is down, touches (a resting palm) are
 * ignored, and a pen that comes down while a touch draws takes its place. New points are
 * reported once per animation frame (`flush`). A pen's pressure is kept for display only.
 */
export class PointerInput {
  /** Width factors (pressure) of the points of pen strokes drawn here, by stroke id: display only. */
  readonly widths = new Map<string, number[]>();

  private current: CurrentStroke | undefined;
  /** Points drawn but not yet reported. */
  private pending: Point[] = [];
  /** Touch pointers down on the board, by id: their latest x (CSS pixels). */
  private readonly touches = new Map<number, number>();
  /** Two fingers are down: they pan; the midpoint's x at the last move. */
  private pan: { midX: number } | undefined;

  constructor(
    private readonly view: BoardView,
    private readonly host: PointerInputHost,
  ) {}

  /** Stops drawing the stroke being drawn (someone erased it): the pen draws again on the next pen down. */
  cancelStroke(strokeId: string): void {
    if (this.current?.id !== strokeId) return;
    this.current.cancelled = true;
    this.pending = [];
  }

  /** Forgets the pressure of strokes no longer on the board. */
  prune(model: BoardModel): void {
    for (const id of this.widths.keys()) if (!model.has(id)) this.widths.delete(id);
  }

  /**
   * Labels sit where the next digit is often written (right of the last one): with the pen, a
   * press on a label is the canvas's, captured by it, and becomes a stroke once it moves; a tap
   * opens the label's popover (onPointerUp). The eraser leaves labels to their own click.
   */
  onLabelPointerDown(event: PointerEvent, groupId: string): void {
    if (this.host.tool() !== 'pen') return;
    this.pointerDown(event, groupId);
  }

  readonly onPointerDown = (event: PointerEvent): void => this.pointerDown(event);

  readonly onPointerMove = (event: PointerEvent): void => {
    if (this.touches.has(event.pointerId)) this.touches.set(event.pointerId, event.clientX);
    if (this.pan) {
      if (!this.touches.has(event.pointerId)) return;
      const midX = this.touchMidX();
      const moved = this.view.panBy(midX - this.pan.midX);
      this.pan.midX = midX;
      if (moved) this.host.viewMoved();
      return;
    }
    const current = this.current;
    if (event.pointerId !== current?.pointerId) {
      // Hovering: where the pointer is, for others' view of our cursor.
      if (event.isPrimary && !this.current) {
        const { origin, scale } = this.placement();
        const [x, y] = this.view.toBoard(event.clientX, event.clientY, origin, scale);
        this.host.emit('board-pointer', { x, y });
      }
      return;
    }
    // Coalesced events carry every sample the hardware produced since the last frame.
    const samples = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    for (const sample of samples.length > 0 ? samples : [event]) {
      if (current.tool === 'eraser') this.eraseAt(sample);
      else this.addPoint(sample);
    }
    const onLabel = current.onLabel;
    if (onLabel && Math.hypot(event.clientX - onLabel.clientX, event.clientY - onLabel.clientY) >= TAP_SLOP) this.beginStroke();
    const [x, y] = this.view.toBoard(event.clientX, event.clientY, current.origin, current.scale);
    this.host.emit('board-pointer', { x, y });
    if (this.pending.length > 0) this.host.requestFrame();
  };

  /** Pointer up, and pointer cancel (which adds no point and erases nothing). */
  readonly onPointerUp = (event: PointerEvent): void => {
    this.touches.delete(event.pointerId);
    if (this.pan && this.touches.size === 0) this.pan = undefined;
    const current = this.current;
    if (event.pointerId !== current?.pointerId) return;
    const canvas = this.host.canvas();
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    if (current.tool === 'eraser') {
      if (event.type === 'pointerup') this.eraseAt(event);
      this.current = undefined;
      return;
    }
    if (current.onLabel) {
      // A tap on a label: no ink; the label's popover opens (or closes).
      this.current = undefined;
      this.pending = [];
      if (event.type === 'pointerup') this.host.tapLabel(current.onLabel.groupId);
      return;
    }
    if (event.type === 'pointerup') this.addPoint(event);
    this.flush();
    this.current = undefined;
    if (!current.cancelled) this.host.emit('stroke-end', { strokeId: current.id });
    this.host.requestFrame();
  };

  /** Reports the points drawn since the last report (once per animation frame, and at pen up). */
  flush(): void {
    const current = this.current;
    if (!current || current.onLabel || this.pending.length === 0) return;
    const points = this.pending;
    this.pending = [];
    if (!current.cancelled) this.host.emit('stroke-points', { strokeId: current.id, points });
  }

  private pointerDown(event: PointerEvent, labelGroup?: string): void {
    if (event.pointerType === 'touch') {
      // Palm rejection: while a pen writes, a hand resting on the screen does nothing.
      if (this.current?.pointerType === 'pen') return;
      this.touches.set(event.pointerId, event.clientX);
      if (this.touches.size >= 2) {
        // Two fingers: a gesture (they pan), never ink; the first finger's stroke is taken back.
        event.preventDefault();
        this.takeBackStroke();
        this.pan = { midX: this.touchMidX() };
        return;
      }
    }
    // A pen comes down while a touch (a palm that landed first) draws: the pen wins.
    if (event.pointerType === 'pen' && this.current?.pointerType === 'touch') this.takeBackStroke();
    // One stroke at a time: a second pointer or a right click does not draw.
    if (this.current || this.pan || !event.isPrimary || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    this.host.canvas().setPointerCapture(event.pointerId);
    const { origin, scale } = this.placement();
    const tool = this.host.tool();
    this.current = {
      id: nextStrokeId(),
      pointerId: event.pointerId,
      pointerType: event.pointerType,
      begun: false,
      origin,
      scale,
      startTime: event.timeStamp,
      last: undefined,
      tool,
      cancelled: false,
    };
    if (tool === 'eraser') {
      this.eraseAt(event);
      return;
    }
    this.pending = [];
    this.addPoint(event);
    if (labelGroup !== undefined) {
      // Not a stroke yet: its first points wait in `pending` until it moves (or is a tap).
      this.current.onLabel = { groupId: labelGroup, clientX: event.clientX, clientY: event.clientY };
      return;
    }
    this.beginStroke();
  }

  /** Reports the stroke being drawn, with the points it has so far. */
  private beginStroke(): void {
    const current = this.current;
    if (!current) return;
    current.onLabel = undefined;
    current.begun = true;
    const points = this.pending;
    this.pending = [];
    this.host.emit('stroke-begin', { strokeId: current.id, points });
    this.host.requestFrame();
  }

  private eraseAt(event: PointerEvent): void {
    const current = this.current;
    if (!current) return;
    const [x, y] = this.view.toBoard(event.clientX, event.clientY, current.origin, current.scale);
    const hit = this.host.model().hitTest(x, y, PEN_WIDTH / 2 + ERASER_REACH);
    if (hit) this.host.emit('erase-stroke', { strokeId: hit });
  }

  private addPoint(event: PointerEvent): void {
    const current = this.current;
    if (!current || current.cancelled) return;
    const [x, y] = this.view.toBoard(event.clientX, event.clientY, current.origin, current.scale);
    const last = current.last;
    if (last && Math.hypot(x - last[0], y - last[1]) < MIN_DISTANCE) return;
    const t = Math.max(0, Math.round(event.timeStamp - current.startTime));
    const point: Point = [x, y, t];
    current.last = point;
    this.pending.push(point);
    if (current.pointerType === 'pen') {
      const widths = this.widths.get(current.id) ?? [];
      widths.push(pressureWidth(event.pressure));
      this.widths.set(current.id, widths);
    }
  }

  /** The stroke being drawn was not meant as ink (a second finger came, or a pen after a palm): it goes, here and for everyone. */
  private takeBackStroke(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    this.pending = [];
    this.widths.delete(current.id);
    const canvas = this.host.canvas();
    if (canvas.hasPointerCapture(current.pointerId)) canvas.releasePointerCapture(current.pointerId);
    if (current.tool === 'pen' && current.begun && !current.cancelled) {
      this.host.emit('stroke-end', { strokeId: current.id });
      this.host.emit('erase-stroke', { strokeId: current.id });
    }
    this.host.requestFrame();
  }

  /** The midpoint of the fingers down, in client x. */
  private touchMidX(): number {
    let sum = 0;
    for (const x of this.touches.values()) sum += x;
    return this.touches.size > 0 ? sum / this.touches.size : 0;
  }

  /** The canvas's content box on screen, and board units per CSS pixel. */
  private placement(): { origin: DOMRect; scale: number } {
    const canvas = this.host.canvas();
    const rect = canvas.getBoundingClientRect();
    // The border is outside the content box that the canvas draws into.
    const style = getComputedStyle(canvas);
    const left = rect.left + parseFloat(style.borderLeftWidth);
    const top = rect.top + parseFloat(style.borderTopWidth);
    const width = rect.width - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
    const height = rect.height - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
    return { origin: new DOMRect(left, top), scale: width > 0 && height > 0 ? Math.min(BOARD_WIDTH / width, BOARD_HEIGHT / height) : 1 };
  }
}
