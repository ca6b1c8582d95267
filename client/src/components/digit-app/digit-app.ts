import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { GroupResult, Participant, ServerMessage } from '../../../../common/protocol.js';
import type { Recognition } from '../../../../common/recognition.js';
import { applyDelta } from '../../../../common/result-delta.js';
import { BoardSync, type InkChange } from '../../board/board-sync.js';
import { clientKey } from '../../board/client-key.js';
import { roomFromPath, roomPath } from '../../board/room-url.js';
import { config } from '../../config.js';
import { getLocale, LOCALE_NAMES, setLocale, type Locale } from '../../localization.js';
import { ConnectionController, type ConnectionStatus, type WelcomeMessage } from '../../controllers/connection.js';
import { OnDeviceController } from '../../controllers/on-device.js';
import { AppUpdateController } from '../../offline/app-update.js';
import { offlineInk } from '../../offline/offline-ink.js';
import type { RecognitionChange } from '../../recognizer/board-recognition.js';
import '../account-menu/account-menu.js';
import type { AccountChange } from '../account-menu/account-menu.js';
import '../board-toolbar/board-toolbar.js';
import type { BoardCommand } from '../board-toolbar/board-toolbar.js';
import '../digit-board/digit-board.js';
import type { BoardPointerDetail, CorrectNumberDetail, DigitBoard, RemoteCursor, StrokeDetail, StrokeEndDetail, Tool } from '../digit-board/digit-board.js';
import '../history-page/history-page.js';
import { historyFromHash, historyHash, type HistoryRoute } from '../history-page/history-route.js';
import '../model-page/model-page.js';
import '../participant-list/participant-list.js';
import '../result-panel/result-panel.js';
import type { RecognitionSource } from '../result-panel/result-panel.js';
import '../upload-page/upload-page.js';
import { styles } from './digit-app.styles.js';
import { viewFromHash, type PageView } from './view-route.js';

/** A cursor of someone else, as last heard. */
interface CursorState {
  x: number;
  y: number;
  at: number;
}

function readName(): string | undefined {
  try {
    return localStorage.getItem(config.nameKey) ?? undefined;
  } catch {
    // Storage can be disabled (privacy settings): the server then makes up a name each time.
    return undefined;
  }
}

function writeName(name: string): void {
  try {
    localStorage.setItem(config.nameKey, name);
  } catch {
    // As above.
  }
}

const isEditable = (target: EventTarget | undefined): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/**
 * The page: a shared board (at /r/<id>) with its tools, who is on it, the number recognized
 * beside each group of ink, and the latest number in the result panel. Ink goes to the server and
 * everyone's comes back; when the server cannot be reached, or the user asks for it, the ink is
 * recognized on this device instead.
 */
@customElement('digit-app')
export class DigitApp extends LitElement {
  static override styles = styles;

  /** The latest number (the group the last change touched). */
  @state() private result: Recognition | null = null;
  /** Every number on the board, shown beside the ink. */
  @state() private groups: readonly GroupResult[] = [];
  /** Who produced `result` and `groups`. */
  @state() private source: RecognitionSource = 'server';
  @state() private latestDigit = -1;
  @state() private notice = '';
  @state() private tool: Tool = 'pen';
  @state() private participants: readonly Participant[] = [];
  @state() private shareState: 'idle' | 'copied' | 'failed' = 'idle';
  /** The folded menu of secondary controls is open (phones). */
  @state() private menuOpen = false;
  /** The signed-in user's id ('' when signed out, undefined until known). */
  @state() private userId: string | undefined;
  /** The history shown over the board (#history), or null for the board. */
  @state() private historyRoute: HistoryRoute | null = historyFromHash(location.hash);
  /** The upload or model view shown over the board (#upload, #model), or null. */
  @state() private view: PageView | null = viewFromHash(location.hash);

  @query('digit-board', true) private board!: DigitBoard;

  private readonly sync = new BoardSync({
    send: (message) => this.connection.send(message),
    onInkChange: (change) => this.onInkChange(change),
    onStrokeCancelled: (strokeId) => this.board?.cancelStroke(strokeId),
  });
  private readonly connection: ConnectionController;
  private readonly onDevice = new OnDeviceController(this);
  private readonly appUpdate = new AppUpdateController(this);
  /** What offlineInk holds for this page: the board's key and the ids of the strokes, to write only on a change. */
  private keptInk = { room: undefined as string | undefined, ids: '' };
  /** Until the kept ink is read back, nothing is written over it. */
  private inkRestored = false;
  /** The status at the last render: a change is noticed in willUpdate. */
  private shownStatus: ConnectionStatus = 'offline';
  /** The server's latest answer, kept while the device's are shown. */
  private serverResult: { result: Recognition; groups: GroupResult[] } | null = null;
  /** The latest completed stroke (anyone's): its digit is the one the chart shows. */
  private lastStrokeId: string | undefined;
  private readonly cursors = new Map<string, CursorState>();
  private cursorTimer: ReturnType<typeof setInterval> | undefined;
  private cursorOut: { x: number; y: number } | undefined;
  private cursorSendTimer: ReturnType<typeof setTimeout> | undefined;
  private cursorSentAt = 0;
  private shareTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    const { room, invalid } = roomFromPath(location.pathname);
    if (invalid) this.say(msg('That board link is not valid (it may have been cut short), so here is a new board.'));
    this.connection = new ConnectionController(this, {
      room,
      name: readName,
      client: clientKey,
      onWelcome: (welcome) => this.onWelcome(welcome),
      onMessage: (message) => this.onServerMessage(message),
      onSynced: () => this.sync.resend(),
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener('hashchange', this.onHashChange);
    this.restoreOfflineInk();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener('hashchange', this.onHashChange);
    clearInterval(this.cursorTimer);
    this.cursorTimer = undefined;
    clearTimeout(this.cursorSendTimer);
    clearTimeout(this.shareTimer);
    clearTimeout(this.noticeTimer);
  }

  /** Shows a notice for a while (a busy board has no natural moment to take it away). */
  private say(text: string): void {
    this.notice = text;
    clearTimeout(this.noticeTimer);
    if (text) this.noticeTimer = setTimeout(() => (this.notice = ''), config.noticeMs);
  }

  /** Wipes the board for everyone (after a confirmation when it holds others' ink). */
  clear(): void {
    if (this.sync.model.size === 0) return;
    if (this.connection.status !== 'online') {
      this.say(msg('Clearing the board needs the connection to it: try again when you are back online.'));
      return;
    }
    if (this.sync.hasOthersInk && !confirm(msg('Clear the board for everyone? Their ink goes too, and this cannot be undone.'))) return;
    this.sync.clear();
  }

  undo(): void {
    if (this.connection.status === 'online') this.sync.undo();
  }

  redo(): void {
    if (this.connection.status === 'online') this.sync.redo();
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
    // The server cannot be reached (from the start, or again): recognize here now, not at the first stroke.
    if (this.connection.unreachable && this.connection.status !== 'online' && this.onDevice.state === 'idle') this.onDevice.warmUp();
    const status = this.connection.status;
    if (status === this.shownStatus) return;
    const wasOnline = this.shownStatus === 'online';
    this.shownStatus = status;
    // The server is gone: recognize here from now on, starting with the ink on the board.
    if (wasOnline && this.recognizingOnDevice) {
      this.onDevice.warmUp();
      if (this.sync.model.completed().length > 0) void this.recognizeOnDevice(this.lastChange());
    }
  }

  override render() {
    const { status, errorReason, errorCode, rttMs } = this.connection;
    const online = status === 'online';
    const offline = !online && status !== 'error' && this.connection.unreachable;
    const statusText = online
      ? msg('Online')
      : status === 'error'
        ? msg(str`Error: ${errorReason}`)
        : offline
          ? msg('Offline')
          : msg('Connecting…');
    const onDevice = this.recognizingOnDevice;
    const unavailable = onDevice && this.onDevice.state === 'unavailable';
    // Not while the first connection is being made (idle: nothing asked for the recognizer yet).
    const badge = onDevice && (this.onDevice.state === 'loading' || this.onDevice.state === 'ready');
    return html`
      <header>
        <h1>Digitboard</h1>
        ${badge
          ? html`<span class="mode" data-testid="on-device" data-state=${this.onDevice.state} title=${msg('Ink is recognized in this browser')}
              >${msg('On this device')}${this.onDevice.state === 'loading' ? html` <small>${msg('(loading)')}</small>` : nothing}</span
            >`
          : nothing}
        <span
          class="status"
          role="status"
          data-testid="status"
          data-status=${status}
          title=${online && rttMs !== undefined ? msg(str`Round trip ${rttMs} ms`) : ''}
          >${statusText}</span
        >
        ${status === 'error' && errorCode === 4005
          ? html`<button type="button" class="secondary" data-testid="retry" @click=${() => this.connection.retry()}>${msg('Try again')}</button>`
          : nothing}
        <!-- On a phone the secondary controls fold into this menu; elsewhere the button is hidden and they sit in the header. -->
        <button
          type="button"
          class="secondary menu-button"
          data-testid="menu"
          aria-expanded=${this.menuOpen ? 'true' : 'false'}
          aria-controls="more"
          @click=${() => (this.menuOpen = !this.menuOpen)}
        >
          ${msg('Menu')}
        </button>
        <div id="more" class=${this.menuOpen ? 'more open' : 'more'} @click=${this.onMenuClick}>
          <participant-list .participants=${this.participants} you=${this.sync.me?.id ?? ''}></participant-list>
          <nav class="links" aria-label=${msg('Pages')}>
            <a class="button secondary" href="#upload" data-testid="open-upload" aria-current=${this.view === 'upload' ? 'page' : 'false'}
              >${msg('Upload')}</a
            >
            <a class="button secondary" href="#model" data-testid="open-model" aria-current=${this.view === 'model' ? 'page' : 'false'}
              >${msg('Model')}</a
            >
            <button type="button" class="secondary" data-testid="new-board" @click=${this.newBoard}>${msg('New board')}</button>
            <button
              type="button"
              class="secondary"
              data-testid="share"
              aria-label=${msg('Share link: copy the address of this board')}
              ?disabled=${!this.connection.room}
              @click=${this.share}
            >
              ${this.shareState === 'copied' ? msg('Copied') : msg('Share link')}
            </button>
            <span class="sr-only" aria-live="polite">${this.shareState === 'copied' ? msg('Link copied') : ''}</span>
          </nav>
          <label class="language"
            ><span class="sr-only">${msg('Language')}</span>
            <select data-testid="language" @change=${this.onLanguageChange}>
              ${(Object.keys(LOCALE_NAMES) as Locale[]).map(
                (locale) => html`<option value=${locale} lang=${locale} ?selected=${getLocale() === locale}>${LOCALE_NAMES[locale]}</option>`,
              )}
            </select></label
          >
          <account-menu @account-change=${this.onAccountChange} @open-history=${this.openHistory}></account-menu>
        </div>
      </header>
      ${this.historyRoute && this.userId
        ? html`<history-page
            class="history"
            role="main"
            aria-label=${msg('History')}
            .userId=${this.userId}
            .recordId=${this.historyRoute.recordId}
            @history-close=${this.closeHistory}
          ></history-page>`
        : nothing}
      ${this.view === 'upload' && !this.showingHistory
        ? html`<upload-page class="view" role="main" aria-label=${msg('Upload')} @view-close=${this.closeView}></upload-page>`
        : nothing}
      ${this.view === 'model' && !this.showingHistory
        ? html`<model-page class="view" role="main" aria-label=${msg('Model')} @view-close=${this.closeView}></model-page>`
        : nothing}
      <!-- Hidden, not removed, under the history: the board keeps its canvas and its ink. -->
      <main ?hidden=${this.showingOther}>
        <p class="how-to">
          ${msg('Write digits with your mouse, finger or pen. Everyone with the link writes on this board, and each number is read where it is written.')}
        </p>
        <section class="board" aria-label=${msg('Board')}>
          <board-toolbar
            tool=${this.tool}
            ?online=${online}
            ?canUndo=${this.sync.canUndo}
            ?canRedo=${this.sync.canRedo}
            ?canClear=${this.sync.model.size > 0}
            @board-command=${this.onCommand}
          ></board-toolbar>
          <digit-board
            .model=${this.sync.model}
            tool=${this.tool}
            .groups=${this.groups}
            .cursors=${this.remoteCursors()}
            ?correctable=${this.showingServer && this.source === 'server'}
            @stroke-begin=${this.onStrokeBegin}
            @stroke-points=${this.onStrokePoints}
            @stroke-end=${this.onStrokeEnd}
            @erase-stroke=${this.onEraseStroke}
            @board-pointer=${this.onBoardPointer}
            @correct-number=${this.onCorrectNumber}
          ></digit-board>
          <div class="actions">
            <span class="shortcut"
              ><kbd>P</kbd> ${msg('pen')}, <kbd>E</kbd> ${msg('eraser')}, <kbd>Ctrl</kbd>+<kbd>Z</kbd> ${msg('undo')},
              <kbd>Ctrl</kbd>+<kbd>Y</kbd> ${msg('redo')}, <kbd>Esc</kbd> ${msg('clear')}</span
            >
            <label class="toggle" data-testid="on-device-choice" data-state=${this.onDevice.state}>
              <input
                type="checkbox"
                role="switch"
                data-testid="on-device-toggle"
                .checked=${this.onDevice.preferred}
                @change=${this.onToggleOnDevice}
              />
              ${msg('Recognize on this device')}
            </label>
          </div>
          ${offline
            ? html`<p class="offline" data-testid="offline-notice">
                ${msg('No connection to the server: your digits are read on this device, and your ink joins the board when the connection is back.')}
              </p>`
            : nothing}
          ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
          ${this.shareState === 'failed'
            ? html`<p class="notice" role="alert">${msg('Copy this link to share the board:')} <code>${location.href}</code></p>`
            : nothing}
          ${unavailable
            ? html`<p class="notice" role="alert" data-testid="on-device-error">
                ${msg(str`On-device recognition is unavailable: ${this.onDevice.error}`)}
              </p>`
            : nothing}
        </section>
        <result-panel .result=${this.result} .latest=${this.latestDigit} .source=${this.source}></result-panel>
      </main>
      ${this.appUpdate.waiting
        ? html`<div class="update" role="status" data-testid="app-update">
            ${msg('A new version of Digitboard is ready.')}
            <button type="button" class="secondary" @click=${() => this.appUpdate.update()}>${msg('Update now')}</button>
          </div>`
        : nothing}
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.keepOfflineInk();
  }

  // --- Ink kept across reloads while offline ------------------------------------------------

  /** Puts back own ink that a previous page on this board wrote and the server never acknowledged. */
  private restoreOfflineInk(): void {
    const room = this.connection.room;
    void offlineInk.load(room).then((strokes) => {
      this.keptInk = { room, ids: strokes.map((s) => s.id).join(',') };
      this.inkRestored = true;
      // Not if the page moved to another board meanwhile.
      if (strokes.length > 0 && this.connection.room === room) {
        // The latest number is the one the last kept stroke belongs to, as before the reload.
        this.lastStrokeId = strokes[strokes.length - 1].id;
        this.sync.restore(strokes);
      }
      this.requestUpdate();
    });
  }

  /** Writes the unacknowledged own ink to IndexedDB when it changed (after each render: acks, pen-ups, welcomes all render). */
  private keepOfflineInk(): void {
    if (!this.inkRestored) return;
    const room = this.connection.room;
    const pending = this.sync.pendingInk();
    const ids = pending.map((s) => s.id).join(',');
    const kept = this.keptInk;
    if (room === kept.room && ids === kept.ids) return;
    // A board created on reconnection (opened offline at /): its ink moved to the new board's key.
    if (room !== kept.room && kept.ids !== '') void offlineInk.save(kept.room, []);
    this.keptInk = { room, ids };
    void offlineInk.save(room, pending);
  }

  // --- The user's actions -----------------------------------------------------------------

  /** A page link or a board action chosen in the folded menu closes it (the account's own buttons open dialogs and leave it). */
  private onMenuClick(event: Event): void {
    const target = event.composedPath()[0];
    if (target instanceof HTMLElement && target.closest('nav.links a, nav.links button') && !target.closest('account-menu')) this.menuOpen = false;
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.menuOpen) {
      // Escape closes the menu; it clears the board only when nothing else is open.
      event.preventDefault();
      this.menuOpen = false;
      return;
    }
    if (event.repeat || event.altKey || this.showingOther) return;
    // A modal (the log in form) has the keyboard: Escape there closes it, not clears the board.
    if (event.composedPath().some((target) => target instanceof HTMLDialogElement)) return;
    // Leave keys alone where they edit text (there is no such field today, but one may come).
    if (isEditable(event.composedPath()[0])) return;
    const key = event.key.toLowerCase();
    const command = event.ctrlKey || event.metaKey;
    let action: (() => void) | undefined;
    if (command && key === 'z') action = event.shiftKey ? () => this.redo() : () => this.undo();
    else if (command && key === 'y' && !event.shiftKey) action = () => this.redo();
    else if (command || event.shiftKey) return;
    else if (key === 'escape' || key === 'delete') action = () => this.clear();
    else if (key === 'e') action = () => (this.tool = 'eraser');
    else if (key === 'p') action = () => (this.tool = 'pen');
    if (!action) return;
    event.preventDefault();
    action();
  };

  private onCommand(event: CustomEvent<BoardCommand>): void {
    const command = event.detail;
    switch (command) {
      case 'pen':
      case 'eraser':
        this.tool = command;
        return;
      case 'undo':
        return this.undo();
      case 'redo':
        return this.redo();
      case 'clear':
        return this.clear();
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  }

  private onStrokeBegin(event: CustomEvent<StrokeDetail>): void {
    const { strokeId, points } = event.detail;
    this.sync.penDown(strokeId, points);
  }

  private onStrokePoints(event: CustomEvent<StrokeDetail>): void {
    this.sync.penMove(event.detail.strokeId, event.detail.points);
  }

  private onStrokeEnd(event: CustomEvent<StrokeEndDetail>): void {
    this.sync.penUp(event.detail.strokeId);
    // Whoever writes may lose the connection: have the on-device recognizer ready by then.
    if (!this.recognizingOnDevice) this.onDevice.warmUpLater();
  }

  private onCorrectNumber(event: CustomEvent<CorrectNumberDetail>): void {
    const { groupId, strokeIds, text } = event.detail;
    if (!this.showingServer || !this.sync.correct(groupId, strokeIds, text)) {
      this.say(msg('Correcting a number needs the connection to the board: try again when you are back online.'));
    }
  }

  private onEraseStroke(event: CustomEvent<StrokeEndDetail>): void {
    if (!this.sync.erase(event.detail.strokeId)) this.say(msg('Erasing needs the connection to the board: try again when you are back online.'));
  }

  /** Our pointer, for others' live cursors: at most one message per CURSOR_INTERVAL_MS, the latest position. */
  private onBoardPointer(event: CustomEvent<BoardPointerDetail>): void {
    if (this.participants.length < 2) return;
    this.cursorOut = event.detail;
    if (this.cursorSendTimer !== undefined) return;
    const wait = Math.max(0, config.cursorIntervalMs - (performance.now() - this.cursorSentAt));
    this.cursorSendTimer = setTimeout(() => {
      this.cursorSendTimer = undefined;
      const position = this.cursorOut;
      this.cursorOut = undefined;
      if (!position) return;
      this.cursorSentAt = performance.now();
      this.connection.send({ type: 'cursor', x: position.x, y: position.y });
    }, wait);
  }

  private onToggleOnDevice(event: Event): void {
    const on = (event.target as HTMLInputElement).checked;
    this.onDevice.setPreferred(on);
    if (on) {
      if (this.sync.model.completed().length > 0) void this.recognizeOnDevice(this.lastChange());
      return;
    }
    this.onDevice.cancel();
    // Back to the server: its latest answer, if it is for the ink on the board now.
    const latest = this.serverResult;
    if (this.showingServer && latest && this.covers(latest.groups)) this.show(latest.result, latest.groups, 'server');
  }

  private get showingHistory(): boolean {
    return this.historyRoute !== null && !!this.userId;
  }

  /** Whether a view other than the board (history, upload, model) covers it. */
  private get showingOther(): boolean {
    return this.showingHistory || this.view !== null;
  }

  private onAccountChange(event: CustomEvent<AccountChange>): void {
    const { user, reason } = event.detail;
    this.userId = user?.id ?? '';
    // The server reads the session when the WebSocket opens: reconnect so that what we write
    // from now on is recorded for (or no longer for) this account.
    if (reason !== 'load') this.connection.reconnect();
    if (!user && this.historyRoute) this.closeHistory();
  }

  private openHistory(): void {
    location.hash = historyHash();
  }

  private closeHistory(): void {
    // Drops the hash without a new history entry, and without a jump to the top.
    history.pushState(null, '', location.pathname + location.search);
    this.historyRoute = null;
  }

  private onLanguageChange(event: Event): void {
    void setLocale((event.target as HTMLSelectElement).value as Locale, true);
  }

  private closeView(): void {
    // As closeHistory.
    history.pushState(null, '', location.pathname + location.search);
    this.view = null;
  }

  private readonly onHashChange = (): void => {
    this.historyRoute = historyFromHash(location.hash);
    this.view = viewFromHash(location.hash);
  };

  private newBoard(): void {
    history.pushState(null, '', '/');
    this.joinRoom(undefined);
  }

  private async share(): Promise<void> {
    const url = location.href;
    let copied: boolean;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      copied = copyWithSelection(url);
    }
    this.shareState = copied ? 'copied' : 'failed';
    clearTimeout(this.shareTimer);
    if (copied) this.shareTimer = setTimeout(() => (this.shareState = 'idle'), 2_000);
  }

  private readonly onPopState = (): void => {
    this.historyRoute = historyFromHash(location.hash);
    this.view = viewFromHash(location.hash);
    const { room } = roomFromPath(location.pathname);
    if (room !== this.connection.room) this.joinRoom(room);
  };

  /** Leaves this board for another (undefined: a new one). */
  private joinRoom(room: string | undefined): void {
    this.sync.reset();
    this.participants = [];
    this.cursors.clear();
    this.serverResult = null;
    this.lastStrokeId = undefined;
    this.onDevice.cancel();
    this.showNothing();
    this.say('');
    this.shareState = 'idle';
    this.connection.switchRoom(room);
  }

  // --- The server -------------------------------------------------------------------------

  private onWelcome(welcome: WelcomeMessage): void {
    // The hash (#history) stays: it is this page's view, not the board's address.
    if (location.pathname !== roomPath(welcome.room)) history.replaceState(null, '', roomPath(welcome.room) + location.hash);
    writeName(welcome.you.name);
    this.participants = welcome.participants;
    this.serverResult = null;
    this.sync.welcome(welcome);
  }

  private onServerMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'stroke-begin':
      case 'stroke-points':
      case 'stroke-end':
      case 'erased':
      case 'cleared':
      case 'corrected':
      case 'ack':
        this.sync.apply(message);
        // Undo, redo and clear availability follow the ink.
        if (message.type !== 'stroke-points') this.requestUpdate();
        return;
      case 'result':
        return this.onResult(message);
      case 'presence':
        this.participants = message.participants;
        for (const id of this.cursors.keys()) if (!message.participants.some((p) => p.id === id)) this.cursors.delete(id);
        return;
      case 'cursor':
        this.cursors.set(message.id, { x: message.x, y: message.y, at: performance.now() });
        this.cursorTimer ??= setInterval(() => this.requestUpdate(), 1_000);
        this.requestUpdate();
        return;
      case 'error':
        if (message.code === 'unknown_group') {
          this.say(msg('That number changed before your correction reached the board: look at it again and correct it anew.'));
          return;
        }
        if (!this.sync.absorbError(message.code)) this.say(`${message.message.charAt(0).toUpperCase()}${message.message.slice(1)}.`);
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

  private onResult(message: Extract<ServerMessage, { type: 'result' }>): void {
    // Results carry only the numbers that changed: every one is merged, shown or not.
    const groups = applyDelta(this.serverResult?.groups ?? [], message);
    const { result } = message;
    this.serverResult = { result, groups };
    // Computed before our clear, which the server has not confirmed yet.
    if (this.sync.clearPending) return;
    if (!this.showingServer) return;
    // After a reconnect the server catches up on the re-sent ink: keep the device's answer until
    // the server's covers the ink on the board.
    if (this.source === 'device' && !this.covers(groups)) return;
    this.show(result, groups, 'server');
  }

  // --- Recognition ------------------------------------------------------------------------

  private onInkChange(change: InkChange): void {
    if (change.type === 'stroke') this.lastStrokeId = change.strokeId;
    if (change.type === 'cleared') {
      this.lastStrokeId = undefined;
      this.onDevice.cancel();
      this.showNothing();
    }
    this.requestUpdate();
    if (this.recognizingOnDevice && change.type !== 'cleared') void this.recognizeOnDevice(this.toRecognitionChange(change));
  }

  private toRecognitionChange(change: InkChange): RecognitionChange {
    switch (change.type) {
      case 'stroke':
        return { strokeId: change.strokeId };
      case 'removed':
        return change.box ? { box: change.box } : null;
      default:
        return this.lastChange();
    }
  }

  private lastChange(): RecognitionChange {
    return this.lastStrokeId && this.sync.model.has(this.lastStrokeId) ? { strokeId: this.lastStrokeId } : null;
  }

  private async recognizeOnDevice(change: RecognitionChange): Promise<void> {
    const strokes = this.sync.model.completed().map((s) => ({ id: s.id, points: s.points }));
    const recognition = await this.onDevice.recognizeBoard(strokes, change);
    if (recognition) {
      // Unless the server is back in charge meanwhile.
      if (this.recognizingOnDevice) this.show(recognition.result, recognition.groups, 'device');
      return;
    }
    // Stale, or the recognizer is unavailable: then the server's answer, if it has one for this ink.
    const latest = this.serverResult;
    if (this.onDevice.state === 'unavailable' && this.showingServer && latest && this.covers(latest.groups)) {
      this.show(latest.result, latest.groups, 'server');
    }
  }

  /** Whether these groups account for every completed stroke on the board. */
  private covers(groups: readonly GroupResult[]): boolean {
    const read = new Set(groups.flatMap((g) => g.strokeIds));
    return this.sync.model.completed().every((s) => read.has(s.id));
  }

  private show(result: Recognition, groups: readonly GroupResult[], source: RecognitionSource): void {
    this.result = result;
    this.groups = groups;
    this.source = source;
    this.latestDigit = this.digitOfLastStroke(result);
    this.dispatchEvent(new CustomEvent('recognition', { detail: result, bubbles: true, composed: true }));
  }

  private showNothing(): void {
    this.result = null;
    this.groups = [];
    this.latestDigit = -1;
  }

  /** The digit whose box holds most of the last stroke: the one just written. */
  private digitOfLastStroke(result: Recognition): number {
    const points = this.lastStrokeId ? this.sync.model.get(this.lastStrokeId)?.points : undefined;
    if (!points || result.digits.length === 0) return result.digits.length - 1;
    let best = result.digits.length - 1;
    let bestCount = 0;
    result.digits.forEach(({ box }, i) => {
      const count = points.filter(([x, y]) => x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height).length;
      if (count > bestCount) {
        best = i;
        bestCount = count;
      }
    });
    return best;
  }

  private remoteCursors(): RemoteCursor[] {
    const now = performance.now();
    const out: RemoteCursor[] = [];
    for (const [id, cursor] of this.cursors) {
      const who = this.participants.find((p) => p.id === id);
      if (!who || id === this.sync.me?.id) continue;
      out.push({ id, name: who.name, color: who.color, x: cursor.x, y: cursor.y, idle: now - cursor.at > config.cursorIdleMs });
    }
    // Nothing left to fade: no need to look again until someone moves.
    if (out.every((c) => c.idle) && this.cursorTimer !== undefined) {
      clearInterval(this.cursorTimer);
      this.cursorTimer = undefined;
    }
    return out;
  }
}

/** For browsers (or permissions) without the async clipboard: the old way, through a selection. */
function copyWithSelection(text: string): boolean {
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.append(field);
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    field.remove();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'digit-app': DigitApp;
  }
  interface HTMLElementEventMap {
    /** Each recognition shown, after a change to the ink. */
    recognition: CustomEvent<Recognition>;
  }
}
