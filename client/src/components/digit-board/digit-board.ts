import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { GroupResult } from '../../../../common/protocol.js';
import { BoardModel } from '../../board/board-model.js';
import { BOARD_HEIGHT, BOARD_WIDTH, PEN_WIDTH } from '../../board/board-space.js';
import { displayName } from '../../board/generated-names.js';
import { layoutLabels, type Rect } from '../../board/label-layout.js';
import { nextStrokeId } from '../../board/stroke-ids.js';
import { shownReading } from '../reading-choices/correction.js';
import '../reading-choices/reading-choices.js';
import type { ReadingChoices, ReadingCorrectDetail } from '../reading-choices/reading-choices.js';
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

/** Someone says what a number on the board is (`text` "" goes back to the model's reading). */
export interface CorrectNumberDetail {
  groupId: string;
  /** The number's strokes as shown: the correction holds only while the number has exactly these. */
  strokeIds: string[];
  text: string;
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
/**
 * A label's size in CSS pixels, from its text (see .label in digit-board.styles.ts: 1.125rem
 * bold digits, 0.5rem padding each side, a 1px border). Digits are taken at 0.7em, as wide as
 * the widest common sans-serif faces draw them; a corrected label has room for its check mark.
 */
function labelCssSize(text: string, corrected: boolean, rem: number): { width: number; height: number } {
  const em = 1.125 * rem;
  return {
    width: Math.ceil(Math.max(1, text.length) * 0.7 * em + (corrected ? 1.0 * em : 0) + rem + 2),
    height: Math.ceil(1.4 * em + 0.125 * rem + 2),
  };
}
/** Space between a label and its ink, in CSS pixels. */
const LABEL_GAP = 4;
/** A pen down on a label that moves less than this (CSS pixels) before it lifts is a tap on the label. */
const TAP_SLOP = 4;

/** A label on the board: its number, what it shows, and where (board units). */
interface PlacedLabel {
  group: GroupResult;
  text: string;
  corrected: boolean;
  rect: Rect;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const px = (value: number): string => `${value}px`;
/** Pen pressure (0-1, 0.5 where the device reports none) to a width factor: a light touch draws thinner, a firm one thicker. */
const pressureWidth = (pressure: number): number => 0.45 + 1.1 * Math.min(1, Math.max(0, pressure));
const labelId = (groupId: string): string => `label-${groupId}`;

/**
 * The shared board: paints everyone's ink (from a BoardModel, each stroke in its author's
 * colour), the recognized number beside each group of ink, and others' cursors. With the pen it
 * reports ink drawn here as `stroke-begin` (pen down), `stroke-points` (at most once per
 * animation frame) and `stroke-end` (pen up); with the eraser, `erase-stroke` for each stroke it
 * touches. Coordinates are board units, whatever the size of the canvas.
 *
 * The canvas shows the board at one scale, filling its box: a box of the board's proportions
 * (16:10) shows all of it; a taller one (a phone held upright) shows a part as tall as the board,
 * and two fingers pan it sideways. Two-finger gestures never draw, and while a pen is down,
 * touches (a resting palm) are ignored. A pen's pressure sets the width of its ink here, for
 * display only: the points sent, and so what is recognized, are the same.
 *
 * Each label is a button: it opens a popover with the model's other readings and, when
 * `correctable`, a way to say what the number is, reported as `correct-number`.
 *
 * @fires stroke-begin - CustomEvent<StrokeDetail>
 * @fires stroke-points - CustomEvent<StrokeDetail>
 * @fires stroke-end - CustomEvent<StrokeEndDetail>
 * @fires erase-stroke - CustomEvent<StrokeEndDetail>
 * @fires board-pointer - CustomEvent<BoardPointerDetail>, the pointer's position, for live cursors
 * @fires correct-number - CustomEvent<CorrectNumberDetail>, a correction chosen in a label's popover
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
  /** Whether numbers can be corrected: only through the server (not offline, not on this device). */
  @property({ type: Boolean }) correctable = false;

  /** The number whose label's popover is open. */
  @state() private openGroup: string | undefined;

  @query('canvas', true) private canvas!: HTMLCanvasElement;
  @query('reading-choices') private choices!: ReadingChoices | null;

  private context: CanvasRenderingContext2D | null = null;
  private unsubscribe: (() => void) | undefined;
  private current:
    | {
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
    | undefined;
  /** Points drawn but not yet reported. */
  private pending: Point[] = [];
  private frame = 0;
  private resizeObserver: ResizeObserver | undefined;
  /** Canvas CSS size (content box). */
  private cssWidth = 0;
  private cssHeight = 0;
  /** The root font size in CSS pixels: labels are sized in rem. */
  private rem = 16;
  /** The board's left edge of the view, in board units (non-zero only when the view is narrower than the board). */
  private viewX = 0;
  /** Touch pointers down on the board, by id: their latest x (CSS pixels). */
  private readonly touches = new Map<number, number>();
  /** Two fingers are down: they pan; the midpoint's x at the last move. */
  private pan: { midX: number } | undefined;
  /** Width factors (pressure) of the points of pen strokes drawn here, by stroke id: display only. */
  private readonly pressures = new Map<string, number[]>();
  /** The last layout and what it was computed from: renders for cursors need not redo it. */
  private layoutCache: { key: string; labels: PlacedLabel[] } | undefined;
  /** Move focus into the popover after the render that opens it. */
  private focusPopover = false;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

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
    document.removeEventListener('pointerdown', this.onDocumentPointerDown, true);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('model')) {
      this.subscribe();
      this.countStrokes();
      this.requestFrame();
    }
    // The number went away (erased, cleared) while its popover was open.
    if (this.openGroup !== undefined && !this.placedLabels().some((l) => l.group.id === this.openGroup)) this.closeReadings(false);
  }

  protected override updated(): void {
    if (this.focusPopover && this.choices) {
      this.focusPopover = false;
      // reading-choices renders in its own update: focus once it has.
      void this.choices.updateComplete.then(() => this.choices?.focusFirst());
    }
  }

  override render() {
    const labels = this.placedLabels();
    const open = labels.find((l) => l.group.id === this.openGroup);
    return html`<canvas
        data-testid="board"
        data-tool=${this.tool}
        role="img"
        aria-label=${msg('Shared board: write digits here with a mouse, a finger or a pen')}
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerUp}
        @contextmenu=${(event: Event) => event.preventDefault()}
      ></canvas>
      <div class="overlay">
        ${labels.length > 0
          ? html`<ol class="labels" aria-label=${msg('Numbers on the board')}>
              ${repeat(
                labels,
                (l) => l.group.id,
                (l) => this.renderLabel(l),
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
              style=${styleMap({ left: px(this.screenX(c.x)), top: px(this.screenY(c.y)), '--cursor-color': c.color })}
            >
              <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 1l5 14 2-6 6-2z" /></svg>
              <span class="name">${displayName(c.name)}</span>
            </div>`,
        )}
        ${this.viewWidth() < BOARD_WIDTH - 1
          ? html`<div
              class="view-bar"
              aria-hidden="true"
              style=${styleMap({ left: `${(this.viewX / BOARD_WIDTH) * 100}%`, width: `${(this.viewWidth() / BOARD_WIDTH) * 100}%` })}
            ></div>`
          : nothing}
      </div>
      ${open ? this.renderPopover(open) : nothing}`;
  }

  private renderLabel({ group, text, corrected, rect }: PlacedLabel) {
    const rejected = text === '';
    const by = displayName(group.correctedBy ?? '');
    const expanded = this.openGroup === group.id;
    const name = corrected
      ? by
        ? msg(str`${text}, corrected by ${by}: show other readings`)
        : msg(str`${text}, corrected: show other readings`)
      : rejected
        ? msg('Not a digit: show other readings')
        : msg(str`${text}: show other readings`);
    const title = corrected ? (by ? msg(str`Corrected by ${by}`) : msg('Corrected')) : rejected ? msg('Not a digit') : msg(str`Read as ${text}`);
    return html`<li
      style=${styleMap({ left: px(this.screenX(rect.x)), top: px(this.screenY(rect.y)), width: px(rect.width / this.unitsPerPx()), height: px(rect.height / this.unitsPerPx()) })}
    >
      <button
        type="button"
        id=${labelId(group.id)}
        data-testid="group-label"
        data-group=${group.id}
        class=${`label${rejected ? ' rejected' : ''}`}
        ?data-corrected=${corrected}
        aria-label=${name}
        aria-haspopup="dialog"
        aria-expanded=${expanded ? 'true' : 'false'}
        aria-controls=${expanded ? 'reading-popover' : nothing}
        title=${title}
        @pointerdown=${(event: PointerEvent) => this.onLabelPointerDown(event, group.id)}
        @click=${this.onLabelClick}
      >${rejected ? '?' : text}</button>
    </li>`;
  }

  /** The open label's popover, beside the label on the side with more room (it may spill out of the board). */
  private renderPopover({ group, text, corrected, rect }: PlacedLabel) {
    const top = this.screenY(rect.y);
    const bottom = this.screenY(rect.y + rect.height);
    const left = this.screenX(rect.x);
    const right = this.screenX(rect.x + rect.width);
    const below = (top + bottom) / 2 < this.cssHeight / 2;
    const rightward = (left + right) / 2 < this.cssWidth / 2;
    const position = {
      ...(below ? { top: px(bottom) } : { bottom: px(this.cssHeight - top) }),
      ...(rightward ? { left: px(left) } : { right: px(this.cssWidth - right) }),
    };
    const by = displayName(group.correctedBy ?? '');
    return html`<div class="popover-layer">
      <dialog
        open
        id="reading-popover"
        class=${below ? 'below' : 'above'}
        data-testid="reading-popover"
        aria-labelledby="reading-popover-title"
        style=${styleMap(position)}
        @keydown=${this.onPopoverKeyDown}
        @focusout=${this.onPopoverFocusOut}
        @reading-correct=${(event: CustomEvent<ReadingCorrectDetail>) => this.onCorrect(group, event.detail.text)}
      >
        <div class="popover-head">
          <h2 id="reading-popover-title">${text ? msg(str`Readings of ${text}`) : msg('Readings of this mark')}</h2>
          <button type="button" class="close" data-testid="close-popover" aria-label=${msg('Close')} @click=${() => this.closeReadings(true)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        ${corrected
          ? html`<p class="corrected" data-testid="corrected-by">
              ${by ? msg(str`Corrected by ${by}; the model read ${group.result.text || '?'}.`) : msg(str`Corrected; the model read ${group.result.text || '?'}.`)}
            </p>`
          : nothing}
        <reading-choices
          .alternatives=${group.result.alternatives}
          .modelText=${group.result.text}
          .correctedText=${group.correctedText}
          ?editable=${this.correctable}
        ></reading-choices>
        ${this.correctable ? nothing : html`<p class="note">${msg('Corrections need the connection to the board.')}</p>`}
      </dialog>
    </div>`;
  }

  /**
   * Enter or Space on a label (clicks of the pen are taps, handled on pointer up). Clicks that a
   * pointer makes (detail > 0) with the eraser open it too.
   */
  private onLabelClick(event: MouseEvent): void {
    if (event.detail > 0 && this.tool === 'pen') return;
    const groupId = (event.currentTarget as HTMLElement).dataset['group'];
    if (groupId !== undefined) this.toggleReadings(groupId);
  }

  private toggleReadings(groupId: string): void {
    if (this.openGroup === groupId) this.closeReadings(true);
    else this.openReadings(groupId);
  }

  private openReadings(groupId: string): void {
    this.openGroup = groupId;
    this.focusPopover = true;
    document.addEventListener('pointerdown', this.onDocumentPointerDown, true);
  }

  /** Closes the popover; `refocus` puts the focus back on its label (Escape, a choice, the close button). */
  private closeReadings(refocus: boolean): void {
    const groupId = this.openGroup;
    if (groupId === undefined) return;
    this.openGroup = undefined;
    this.focusPopover = false;
    document.removeEventListener('pointerdown', this.onDocumentPointerDown, true);
    if (refocus) this.renderRoot.querySelector<HTMLElement>(`#${CSS.escape(labelId(groupId))}`)?.focus();
  }

  private onPopoverKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return;
    // Escape also clears the board (digit-app): here it only closes the popover.
    event.preventDefault();
    event.stopPropagation();
    this.closeReadings(true);
  }

  /** Tabbing out of the popover closes it (focus has gone on; it is not pulled back). */
  private onPopoverFocusOut(event: FocusEvent): void {
    const next = event.relatedTarget;
    const dialog = event.currentTarget as HTMLElement;
    if (next instanceof Node && !dialog.contains(next) && !(next instanceof HTMLElement && next.id === labelId(this.openGroup ?? ''))) {
      this.closeReadings(false);
    }
  }

  /** A press outside the popover and its label closes it, and goes on to do what it does. */
  private readonly onDocumentPointerDown = (event: PointerEvent): void => {
    const path = event.composedPath();
    const dialog = this.renderRoot.querySelector('dialog');
    const label = this.openGroup ? this.renderRoot.querySelector(`#${CSS.escape(labelId(this.openGroup))}`) : null;
    if ((dialog && path.includes(dialog)) || (label && path.includes(label))) return;
    this.closeReadings(false);
  };

  private onCorrect(group: GroupResult, text: string): void {
    this.emit('correct-number', { groupId: group.id, strokeIds: [...group.strokeIds], text });
    this.closeReadings(true);
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

  /** Groups worth a label: read (or corrected) as something, and all their strokes still here (results lag the ink a little). */
  private labelled(): GroupResult[] {
    return this.groups.filter(
      (g) => (!!g.correctedText || g.result.text !== '' || g.result.rejected.length > 0) && g.strokeIds.every((id) => this.model.has(id)),
    );
  }

  /**
   * The labels and where they go (label-layout.ts), sized for the board's size on screen now.
   * Kept until the numbers, their texts or the scale change: other renders (cursors) reuse it.
   */
  private placedLabels(): PlacedLabel[] {
    const groups = this.labelled();
    const scale = this.unitsPerPx();
    const items = groups.map((group) => {
      const text = shownReading(group.result.text, group.correctedText);
      return { group, text, corrected: !!group.correctedText };
    });
    const key = `${scale}|${this.rem}|${items.map(({ group: g, text, corrected }) => `${g.id}:${text}:${corrected}:${g.box.x},${g.box.y},${g.box.width},${g.box.height}`).join(';')}`;
    if (this.layoutCache?.key === key) {
      // Same places; the groups themselves may be newer objects (a result with the same reading).
      return this.layoutCache.labels.map((label, i) => ({ ...label, group: items[i].group }));
    }
    // The ink's box is that of its points: the pen's width reaches beyond it.
    const ink = PEN_WIDTH / 2;
    const rects = layoutLabels(
      items.map(({ group: { box }, text, corrected }) => {
        const size = labelCssSize(text === '' ? '?' : text, corrected, this.rem);
        return {
          box: { x: box.x - ink, y: box.y - ink, width: box.width + 2 * ink, height: box.height + 2 * ink },
          width: size.width * scale,
          height: size.height * scale,
        };
      }),
      { width: BOARD_WIDTH, height: BOARD_HEIGHT, gap: LABEL_GAP * scale },
    );
    const labels = items.map((item, i) => ({ ...item, rect: rects[i] }));
    this.layoutCache = { key, labels };
    return labels;
  }

  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.model.subscribe((change) => {
      this.requestFrame();
      if (change === 'ink') return;
      this.countStrokes();
      for (const id of this.pressures.keys()) if (!this.model.has(id)) this.pressures.delete(id);
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
    const cssWidth = box ? box.inlineSize : entry.contentRect.width;
    this.cssHeight = box ? box.blockSize : entry.contentRect.height;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    // Labels keep their size on screen, so in board units they change with the board's.
    if (cssWidth !== this.cssWidth || rem !== this.rem) {
      this.cssWidth = cssWidth;
      this.rem = rem;
      this.requestUpdate();
    }
    this.viewX = this.clampViewX(this.viewX);
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
    const height = rect.height - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
    return { origin: new DOMRect(left, top), scale: width > 0 && height > 0 ? Math.min(BOARD_WIDTH / width, BOARD_HEIGHT / height) : 1 };
  }

  private toBoard(event: PointerEvent, origin: DOMRect, scale: number): [number, number] {
    return [round1((event.clientX - origin.x) * scale + this.viewX), round1((event.clientY - origin.y) * scale)];
  }

  /** Board units per CSS pixel: the board fills the canvas's height, or its width, whichever shows it whole in that direction. */
  private unitsPerPx(): number {
    return this.cssWidth > 0 && this.cssHeight > 0 ? Math.min(BOARD_WIDTH / this.cssWidth, BOARD_HEIGHT / this.cssHeight) : 1;
  }

  /** How wide the part of the board on screen is, in board units. */
  private viewWidth(): number {
    return this.cssWidth > 0 ? Math.min(BOARD_WIDTH, this.cssWidth * this.unitsPerPx()) : BOARD_WIDTH;
  }

  private clampViewX(x: number): number {
    return Math.min(Math.max(0, x), BOARD_WIDTH - this.viewWidth());
  }

  /** A board x or y on screen, in CSS pixels from the canvas's content box. */
  private screenX(x: number): number {
    return (x - this.viewX) / this.unitsPerPx();
  }

  private screenY(y: number): number {
    return y / this.unitsPerPx();
  }

  /**
   * Labels sit where the next digit is often written (right of the last one): with the pen, a
   * press on a label is the canvas's, captured by it, and becomes a stroke once it moves; a tap
   * opens the label's popover (onPointerUp). The eraser leaves labels to their own click.
   */
  private onLabelPointerDown(event: PointerEvent, groupId: string): void {
    if (this.tool !== 'pen') return;
    this.onPointerDown(event, groupId);
  }

  private onPointerDown(event: PointerEvent, labelGroup?: string): void {
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
    this.canvas.setPointerCapture(event.pointerId);
    const { origin, scale } = this.placement();
    const tool = this.tool;
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
    this.emit('stroke-begin', { strokeId: current.id, points });
    this.requestFrame();
  }

  private onPointerMove(event: PointerEvent): void {
    if (this.touches.has(event.pointerId)) this.touches.set(event.pointerId, event.clientX);
    if (this.pan) {
      if (!this.touches.has(event.pointerId)) return;
      const midX = this.touchMidX();
      const viewX = this.clampViewX(this.viewX - (midX - this.pan.midX) * this.unitsPerPx());
      this.pan.midX = midX;
      if (viewX !== this.viewX) {
        this.viewX = viewX;
        this.requestUpdate();
        this.requestFrame();
      }
      return;
    }
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
    const onLabel = current.onLabel;
    if (onLabel && Math.hypot(event.clientX - onLabel.clientX, event.clientY - onLabel.clientY) >= TAP_SLOP) this.beginStroke();
    const [x, y] = this.toBoard(event, current.origin, current.scale);
    this.emit('board-pointer', { x, y });
    if (this.pending.length > 0) this.requestFrame();
  }

  private onPointerUp(event: PointerEvent): void {
    this.touches.delete(event.pointerId);
    if (this.pan && this.touches.size === 0) this.pan = undefined;
    const current = this.current;
    if (event.pointerId !== current?.pointerId) return;
    if (this.canvas.hasPointerCapture(event.pointerId)) this.canvas.releasePointerCapture(event.pointerId);
    if (current.tool === 'eraser') {
      if (event.type === 'pointerup') this.eraseAt(event);
      this.current = undefined;
      return;
    }
    if (current.onLabel) {
      // A tap on a label: no ink; the label's popover opens (or closes).
      this.current = undefined;
      this.pending = [];
      if (event.type === 'pointerup') this.toggleReadings(current.onLabel.groupId);
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

  /** The midpoint of the fingers down, in client x. */
  private touchMidX(): number {
    let sum = 0;
    for (const x of this.touches.values()) sum += x;
    return this.touches.size > 0 ? sum / this.touches.size : 0;
  }

  /** The stroke being drawn was not meant as ink (a second finger came, or a pen after a palm): it goes, here and for everyone. */
  private takeBackStroke(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    this.pending = [];
    this.pressures.delete(current.id);
    if (this.canvas.hasPointerCapture(current.pointerId)) this.canvas.releasePointerCapture(current.pointerId);
    if (current.tool === 'pen' && current.begun && !current.cancelled) {
      this.emit('stroke-end', { strokeId: current.id });
      this.emit('erase-stroke', { strokeId: current.id });
    }
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
    if (!current || current.onLabel || this.pending.length === 0) return;
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
    if (current.pointerType === 'pen') {
      const widths = this.pressures.get(current.id) ?? [];
      widths.push(pressureWidth(event.pressure));
      this.pressures.set(current.id, widths);
    }
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
    // Board units to device pixels, the view's left edge at the canvas's.
    const k = this.canvas.width / this.cssWidth / this.unitsPerPx();
    context.setTransform(k, 0, 0, k, -this.viewX * k, 0);
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.lineWidth = PEN_WIDTH;
    for (const { id, points, color } of this.model.values()) {
      const first = points[0];
      if (!first) continue;
      context.strokeStyle = context.fillStyle = color;
      const widths = this.pressures.get(id);
      if (widths && widths.length === points.length && points.length > 1) {
        this.drawPressured(context, points, widths);
        continue;
      }
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

  /** A pen stroke drawn here, segment by segment, each as wide as the pressure at its end (round caps hide the joins). */
  private drawPressured(context: CanvasRenderingContext2D, points: readonly number[][], widths: readonly number[]): void {
    for (let i = 1; i < points.length; i++) {
      context.lineWidth = PEN_WIDTH * widths[i];
      context.beginPath();
      context.moveTo(points[i - 1][0], points[i - 1][1]);
      context.lineTo(points[i][0], points[i][1]);
      context.stroke();
    }
    context.lineWidth = PEN_WIDTH;
  }

  private emit<K extends 'stroke-begin' | 'stroke-points' | 'stroke-end' | 'erase-stroke' | 'board-pointer' | 'correct-number'>(
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
    'correct-number': CustomEvent<CorrectNumberDetail>;
  }
}
