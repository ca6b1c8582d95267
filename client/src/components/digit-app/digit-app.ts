import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { ClientMessage, ServerMessage } from '../../../../common/protocol.js';
import type { Recognition } from '../../../../common/recognition.js';
import { ConnectionController, type ConnectionStatus, type WelcomeMessage } from '../../controllers/connection.js';
import { OnDeviceController } from '../../controllers/on-device.js';
import '../digit-board/digit-board.js';
import type { DigitBoard, Point, StrokeDetail, StrokeEndDetail } from '../digit-board/digit-board.js';
import '../result-panel/result-panel.js';
import type { RecognitionSource } from '../result-panel/result-panel.js';
import { styles } from './digit-app.styles.js';

/** Until the server says otherwise in its welcome (it states the limits it enforces). */
const DEFAULT_LIMITS: WelcomeMessage['limits'] = { maxStrokes: 200, maxPointsPerStroke: 4_000, maxPointsPerMessage: 512 };

/** A stroke as the server has been told about it, kept to resend after a reconnect. */
interface SentStroke {
  points: Point[];
  ended: boolean;
}

/**
 * The page: a board to write on, the recognition next to it, a Clear button and the connection
 * status. It forwards the board's strokes to the server and shows what comes back; when the server
 * cannot be reached, or the user asks for it, the ink is recognized on this device instead.
 */
@customElement('digit-app')
export class DigitApp extends LitElement {
  static override styles = styles;

  @state() private result: Recognition | null = null;
  /** Who produced `result`. */
  @state() private source: RecognitionSource = 'server';
  @state() private latestDigit = -1;
  @state() private notice = '';

  @query('digit-board', true) private board!: DigitBoard;

  private readonly connection = new ConnectionController(this, {
    onMessage: (message) => this.onServerMessage(message),
    onWelcome: (welcome) => this.onWelcome(welcome),
  });
  private readonly onDevice = new OnDeviceController(this);
  /** The status at the last render: a change is noticed in willUpdate. */
  private shownStatus: ConnectionStatus = this.connection.status;
  /** How many ended strokes `result` covers. */
  private shownStrokes = 0;
  /** The server's latest result while the device's are shown, to show at once when the user switches back. */
  private serverResult: { result: Recognition; strokes: number } | null = null;
  private limits = DEFAULT_LIMITS;
  /** The ink on the board, in the order drawn. Each session starts empty, so this is replayed on welcome. */
  private readonly ink = new Map<string, SentStroke>();
  private lastStrokeId: string | undefined;
  /** Clears sent but not yet acknowledged: results computed before them are stale. */
  private pendingClears = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this.onKeyDown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.onKeyDown);
  }

  /** Wipes the board, here and on the server. */
  clear(): void {
    this.board.clear();
    this.ink.clear();
    this.lastStrokeId = undefined;
    this.result = null;
    this.shownStrokes = 0;
    this.serverResult = null;
    this.latestDigit = -1;
    this.notice = '';
    this.onDevice.cancel();
    if (this.connection.send({ type: 'clear' })) this.pendingClears += 1;
  }

  /** Whether the ink is recognized here rather than by the server. */
  private get recognizingOnDevice(): boolean {
    return this.onDevice.preferred || this.connection.status !== 'online';
  }

  /** Whether the server's results are shown: when online, unless the user prefers this device and it works. */
  private get showingServer(): boolean {
    return this.connection.status === 'online' && (!this.onDevice.preferred || this.onDevice.state === 'unavailable');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const status = this.connection.status;
    if (status === this.shownStatus) return;
    const wasOnline = this.shownStatus === 'online';
    this.shownStatus = status;
    // The server is gone: recognize here from now on, starting with any ink it has not answered for.
    if (wasOnline && this.recognizingOnDevice) {
      this.onDevice.warmUp();
      if (this.endedStrokes() > this.shownStrokes) void this.recognizeOnDevice();
    }
  }

  override render() {
    const { status, errorReason, rttMs } = this.connection;
    const statusText = status === 'online' ? 'Online' : status === 'error' ? `Error: ${errorReason}` : 'Connecting…';
    const onDevice = this.recognizingOnDevice;
    const unavailable = onDevice && this.onDevice.state === 'unavailable';
    // Not while the first connection is being made (idle: nothing asked for the recognizer yet).
    const badge = onDevice && (this.onDevice.state === 'loading' || this.onDevice.state === 'ready');
    return html`
      <header>
        <h1>Digitboard</h1>
        ${badge
          ? html`<span class="mode" data-testid="on-device" data-state=${this.onDevice.state} title="Your ink is recognized in this browser"
              >On this device${this.onDevice.state === 'loading' ? html` <small>(loading)</small>` : nothing}</span
            >`
          : nothing}
        <span
          class="status"
          role="status"
          data-testid="status"
          data-status=${status}
          title=${status === 'online' && rttMs !== undefined ? `Round trip ${rttMs} ms` : ''}
          >${statusText}</span
        >
      </header>
      <p class="how-to">
        Write a digit with your mouse, finger or pen. Write several side by side to make a number.
      </p>
      <main>
        <section class="board" aria-label="Board">
          <digit-board
            @stroke-begin=${this.onStrokeBegin}
            @stroke-points=${this.onStrokePoints}
            @stroke-end=${this.onStrokeEnd}
          ></digit-board>
          <div class="actions">
            <button type="button" data-testid="clear" @click=${this.clear}>Clear</button>
            <span class="shortcut">or press <kbd>Esc</kbd> / <kbd>Delete</kbd></span>
            <label class="toggle" data-testid="on-device-choice" data-state=${this.onDevice.state}>
              <input
                type="checkbox"
                role="switch"
                data-testid="on-device-toggle"
                .checked=${this.onDevice.preferred}
                @change=${this.onToggleOnDevice}
              />
              Recognize on this device
            </label>
          </div>
          ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
          ${unavailable
            ? html`<p class="notice" role="alert" data-testid="on-device-error">
                On-device recognition is unavailable: ${this.onDevice.error}
              </p>`
            : nothing}
        </section>
        <result-panel .result=${this.result} .latest=${this.latestDigit} .source=${this.source}></result-panel>
      </main>
    `;
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' && event.key !== 'Delete') return;
    if (event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    // Leave keys alone where they edit text (there is no such field today, but one may come).
    const target = event.composedPath()[0];
    if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    this.clear();
  };

  private onStrokeBegin(event: CustomEvent<StrokeDetail>): void {
    const { strokeId, points } = event.detail;
    if (this.ink.size >= this.limits.maxStrokes) {
      this.notice = 'The board is full: clear it to write more.';
      return;
    }
    const stroke: SentStroke = { points: [], ended: false };
    this.ink.set(strokeId, stroke);
    this.lastStrokeId = strokeId;
    this.sendPoints(strokeId, stroke, points, true);
  }

  private onStrokePoints(event: CustomEvent<StrokeDetail>): void {
    const { strokeId, points } = event.detail;
    const stroke = this.ink.get(strokeId);
    if (stroke) this.sendPoints(strokeId, stroke, points, false);
  }

  private onStrokeEnd(event: CustomEvent<StrokeEndDetail>): void {
    const { strokeId } = event.detail;
    const stroke = this.ink.get(strokeId);
    if (!stroke) return;
    stroke.ended = true;
    this.connection.send({ type: 'stroke-end', strokeId });
    if (this.recognizingOnDevice) void this.recognizeOnDevice();
    // Whoever writes may lose the connection: have the on-device recognizer ready by then.
    else this.onDevice.warmUpLater();
  }

  private onToggleOnDevice(event: Event): void {
    const on = (event.target as HTMLInputElement).checked;
    this.onDevice.setPreferred(on);
    if (on) {
      if (this.endedStrokes() > 0) void this.recognizeOnDevice();
      return;
    }
    this.onDevice.cancel();
    // Back to the server: its latest answer, if it is for the ink on the board now.
    const latest = this.serverResult;
    if (this.showingServer && latest && latest.strokes === this.endedStrokes()) this.show(latest.result, 'server', latest.strokes);
  }

  private async recognizeOnDevice(): Promise<void> {
    const strokes = [...this.ink.values()].filter((s) => s.ended && s.points.length > 0).map((s) => s.points);
    const count = this.endedStrokes();
    const result = await this.onDevice.recognize(strokes);
    if (result) {
      // Unless the server is back in charge meanwhile.
      if (this.recognizingOnDevice) this.show(result, 'device', count);
      return;
    }
    // Stale, or the recognizer is unavailable: then the server's answer, if it has one for this ink.
    const latest = this.serverResult;
    if (this.onDevice.state === 'unavailable' && this.showingServer && latest && latest.strokes === this.endedStrokes()) {
      this.show(latest.result, 'server', latest.strokes);
    }
  }

  private show(result: Recognition, source: RecognitionSource, strokes: number): void {
    this.result = result;
    this.source = source;
    this.shownStrokes = strokes;
    this.latestDigit = this.digitOfLastStroke(result);
    this.notice = '';
    this.dispatchEvent(new CustomEvent('recognition', { detail: result, bubbles: true, composed: true }));
  }

  /** Records points and sends them in frames the server accepts; the first frame of a stroke is its begin. */
  private sendPoints(strokeId: string, stroke: SentStroke, points: Point[], begin: boolean): void {
    // Past the per-stroke limit the ink still shows on the board but is not sent.
    const room = this.limits.maxPointsPerStroke - stroke.points.length;
    const accepted = points.length > room ? points.slice(0, Math.max(0, room)) : points;
    if (accepted.length === 0) return;
    stroke.points.push(...accepted);
    this.sendFrames(strokeId, accepted, begin);
  }

  private sendFrames(strokeId: string, points: Point[], begin: boolean): void {
    const size = this.limits.maxPointsPerMessage;
    for (let i = 0; i < points.length; i += size) {
      const type = begin && i === 0 ? 'stroke-begin' : 'stroke-points';
      this.connection.send({ type, strokeId, points: points.slice(i, i + size) } satisfies ClientMessage);
    }
  }

  /** A new session starts with an empty board: tell it about the ink already drawn. */
  private onWelcome(welcome: WelcomeMessage): void {
    this.limits = { ...DEFAULT_LIMITS, ...welcome.limits };
    this.pendingClears = 0;
    this.serverResult = null;
    this.notice = '';
    for (const [strokeId, stroke] of this.ink) {
      if (stroke.points.length === 0) continue;
      this.sendFrames(strokeId, stroke.points, true);
      if (stroke.ended) this.connection.send({ type: 'stroke-end', strokeId });
    }
  }

  private onServerMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'result':
        // Stale: computed before a clear, either not yet acknowledged or still in flight when the
        // server acknowledged it (it then has more strokes than the board holds now).
        if (this.pendingClears > 0 || message.strokes > this.endedStrokes()) return;
        this.serverResult = { result: message.result, strokes: message.strokes };
        if (!this.showingServer) return;
        // After a reconnect the server catches up on the replayed ink: keep the device's answer
        // until the server's covers as much.
        if (this.source === 'device' && message.strokes < this.shownStrokes) return;
        this.show(message.result, 'server', message.strokes);
        return;
      case 'cleared':
        this.pendingClears = Math.max(0, this.pendingClears - 1);
        return;
      case 'error':
        this.notice = `The server could not use that: ${message.message}`;
        return;
      case 'welcome':
      case 'pong':
        // Handled by the connection controller.
        return;
      default: {
        const unexpected: never = message;
        console.warn('Unexpected message', unexpected);
      }
    }
  }

  private endedStrokes(): number {
    let count = 0;
    for (const stroke of this.ink.values()) if (stroke.ended) count += 1;
    return count;
  }

  /** The digit whose box holds most of the last stroke: the one the user just wrote. */
  private digitOfLastStroke(result: Recognition): number {
    const points = this.lastStrokeId ? this.ink.get(this.lastStrokeId)?.points : undefined;
    if (!points || result.digits.length === 0) return result.digits.length - 1;
    let best = result.digits.length - 1;
    let bestCount = 0;
    result.digits.forEach(({ box }, i) => {
      const count = points.filter(
        ([x, y]) => x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height,
      ).length;
      if (count > bestCount) {
        best = i;
        bestCount = count;
      }
    });
    return best;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'digit-app': DigitApp;
  }
  interface HTMLElementEventMap {
    /** Each recognition shown, after a pen-up or a clear. */
    recognition: CustomEvent<Recognition>;
  }
}
