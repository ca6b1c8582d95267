import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { GroupResult } from '../../../../common/protocol.js';
import type { MathItem } from '../../../../common/recognition.js';
import { BoardModel } from '../../board/board-model.js';
import { BOARD_WIDTH } from '../../board/board-space.js';
import { BoardView } from '../../board/board-view.js';
import { displayName } from '../../board/generated-names.js';
import { paintInk } from '../../board/ink-painter.js';
import { valueText } from '../../board/value-text.js';
import { emitBoardEvent, type BoardEventType, type RemoteCursor, type Tool } from './board-events.js';
import { styles } from './digit-board.styles.js';
import { px, renderNumberLabel } from './number-label.js';
import { LabelPlacer } from './placed-labels.js';
import { PointerInput } from './pointer-input.js';
import { ReadingPopover } from './reading-popover.js';
import { renderValueLabel } from './value-label.js';

export type { BoardPointerDetail, CorrectNumberDetail, Point, RemoteCursor, StrokeDetail, StrokeEndDetail, Tool } from './board-events.js';

/**
 * The shared board: paints everyone's ink (from a BoardModel, each stroke in its author's
 * colour), the recognized number beside each group of ink, the value of each expression after its
 * "=" and each column's sum under its rule (in their writer's colour), and others' cursors. With
 * the pen it reports ink drawn here as `stroke-begin` (pen down), `stroke-points` (at most once
 * per animation frame) and `stroke-end` (pen up); with the eraser, `erase-stroke` for each stroke
 * it touches. Coordinates are board units, whatever the size of the canvas.
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
 * The parts: pointer-input.ts (pen, touch, palm and eraser), board/board-view.ts (the part of the
 * board on screen), board/ink-painter.ts (the ink), placed-labels.ts and number-label.ts (the
 * labels), value-label.ts (the values), reading-popover.ts (a label's popover).
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
  /** Column sums on the board (expressions' values come with their groups' results). */
  @property({ attribute: false }) sums: readonly MathItem[] = [];
  @property({ attribute: false }) cursors: readonly RemoteCursor[] = [];
  /** Whether numbers can be corrected: only through the server (not offline, not on this device). */
  @property({ type: Boolean }) correctable = false;

  @query('canvas', true) private canvas!: HTMLCanvasElement;

  private readonly view = new BoardView();
  private readonly labels = new LabelPlacer();
  private readonly readings: ReadingPopover = new ReadingPopover(this, () => this.tool);
  private readonly input = new PointerInput(this.view, {
    canvas: () => this.canvas,
    tool: () => this.tool,
    model: () => this.model,
    emit: (type, detail) => this.emit(type, detail),
    requestFrame: () => this.requestFrame(),
    viewMoved: () => {
      this.requestUpdate();
      this.requestFrame();
    },
    tapLabel: (groupId) => this.readings.toggle(groupId),
  });
  private context: CanvasRenderingContext2D | null = null;
  private unsubscribe: (() => void) | undefined;
  private frame = 0;
  private resizeObserver: ResizeObserver | undefined;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /** Stops drawing the stroke being drawn (someone erased it): the pen draws again on the next pen down. */
  cancelStroke(strokeId: string): void {
    this.input.cancelStroke(strokeId);
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
    this.readings.closeIfGone(this.placedLabels().numbers);
  }

  override render() {
    const { numbers: labels, values } = this.placedLabels();
    const open = labels.find((l) => l.group.id === this.readings.openGroup);
    const view = this.view;
    return html`<canvas
        data-testid="board"
        data-tool=${this.tool}
        role="img"
        aria-label=${msg('Shared board: write digits here with a mouse, a finger or a pen')}
        @pointerdown=${this.input.onPointerDown}
        @pointermove=${this.input.onPointerMove}
        @pointerup=${this.input.onPointerUp}
        @pointercancel=${this.input.onPointerUp}
        @contextmenu=${(event: Event) => event.preventDefault()}
      ></canvas>
      <div class="overlay">
        ${labels.length > 0
          ? html`<ol class="labels" aria-label=${msg('Numbers on the board')}>
              ${repeat(
                labels,
                (l) => l.group.id,
                (l) =>
                  renderNumberLabel(l, view, {
                    expanded: this.readings.openGroup === l.group.id,
                    onPointerDown: (event, groupId) => this.input.onLabelPointerDown(event, groupId),
                    onClick: this.readings.onLabelClick,
                  }),
              )}
            </ol>`
          : nothing}
        ${values.length > 0
          ? html`<ol class="labels values" aria-label=${msg('Values on the board')}>
              ${repeat(
                values,
                (v) => v.key,
                (v) => renderValueLabel(v, view),
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
              style=${styleMap({ left: px(view.screenX(c.x)), top: px(view.screenY(c.y)), '--cursor-color': c.color })}
            >
              <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 1l5 14 2-6 6-2z" /></svg>
              <span class="name">${displayName(c.name)}</span>
            </div>`,
        )}
        ${view.viewWidth() < BOARD_WIDTH - 1
          ? html`<div
              class="view-bar"
              aria-hidden="true"
              style=${styleMap({ left: `${(view.viewX / BOARD_WIDTH) * 100}%`, width: `${(view.viewWidth() / BOARD_WIDTH) * 100}%` })}
            ></div>`
          : nothing}
      </div>
      ${open ? this.readings.render(open, view, this.correctable) : nothing}`;
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

  private placedLabels() {
    return this.labels.place(this.groups, this.sums, this.model, this.view, valueText);
  }

  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.model.subscribe((change) => {
      this.requestFrame();
      if (change === 'ink') return;
      this.countStrokes();
      this.input.prune(this.model);
      // Labels and values depend on which strokes are on the board.
      if (this.groups.length > 0 || this.sums.length > 0) this.requestUpdate();
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
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    if (this.view.resize(box ? box.inlineSize : entry.contentRect.width, box ? box.blockSize : entry.contentRect.height, rem)) this.requestUpdate();
    const device = entry.devicePixelContentBoxSize?.[0];
    const width = device ? device.inlineSize : Math.round(this.view.cssWidth * devicePixelRatio);
    const height = device ? device.blockSize : Math.round(this.view.cssHeight * devicePixelRatio);
    if (width === this.canvas.width && height === this.canvas.height) return;
    // Resizing the backing store wipes it: redraw everything from the points.
    this.canvas.width = width;
    this.canvas.height = height;
    this.paint();
  }

  private requestFrame(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(this.onFrame);
  }

  /** Once per frame: report the new points, then paint. */
  private readonly onFrame = (): void => {
    this.frame = 0;
    this.input.flush();
    this.paint();
  };

  private cancelFrame(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private paint(): void {
    if (this.context) paintInk(this.context, this.view, this.model.values(), this.input.widths);
  }

  private emit<K extends BoardEventType>(type: K, detail: HTMLElementEventMap[K]['detail']): void {
    emitBoardEvent(this, type, detail);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'digit-board': DigitBoard;
  }
}
