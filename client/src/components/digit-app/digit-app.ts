import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { Recognition } from '../../../../common/recognition.js';
import type { PendingStroke } from '../../board/board-sync.js';
import { BoardSyncController } from '../../controllers/board-sync-controller.js';
import { CursorController } from '../../controllers/cursor-controller.js';
import { NoticeController } from '../../controllers/notice-controller.js';
import { OfflineInkController } from '../../controllers/offline-ink-controller.js';
import { RecognitionController } from '../../controllers/recognition-controller.js';
import { RouteController } from '../../controllers/route-controller.js';
import { ShareController } from '../../controllers/share-controller.js';
import { ShortcutsController } from '../../controllers/shortcuts-controller.js';
import { getLocale, LOCALE_NAMES, setLocale, type Locale } from '../../localization.js';
import { AppUpdateController } from '../../offline/app-update.js';
import { historyHash, roomFromPath } from '../../router.js';
import '../account-menu/account-menu.js';
import type { AccountChange } from '../account-menu/account-menu.js';
import '../board-downloads/board-downloads.js';
import '../board-toolbar/board-toolbar.js';
import type { BoardCommand } from '../board-toolbar/board-toolbar.js';
import '../digit-board/digit-board.js';
import type { BoardPointerDetail, CorrectNumberDetail, DigitBoard, StrokeDetail, StrokeEndDetail, Tool } from '../digit-board/digit-board.js';
import '../history-page/history-page.js';
import '../model-page/model-page.js';
import '../participant-list/participant-list.js';
import '../result-panel/result-panel.js';
import '../upload-page/upload-page.js';
import { boardNotices } from './board-notices.js';
import { connectionStatus } from './connection-status.js';
import { styles } from './digit-app.styles.js';

/**
 * The page: a shared board (at /r/<id>) with its tools, who is on it, the number recognized
 * beside each group of ink, and the latest number in the result panel. Ink goes to the server and
 * everyone's comes back; when the server cannot be reached, or the user asks for it, the ink is
 * recognized on this device instead. The work is done by its controllers (client/src/controllers/):
 * this element lays out the page and turns the user's actions into their calls.
 */
@customElement('digit-app')
export class DigitApp extends LitElement {
  static override styles = styles;

  @state() private tool: Tool = 'pen';
  /** The folded menu of secondary controls is open (phones). */
  @state() private menuOpen = false;
  /** The signed-in user's id ('' when signed out, undefined until known). */
  @state() private userId: string | undefined;

  @query('digit-board', true) private boardElement!: DigitBoard;

  private readonly notice = new NoticeController(this);
  private readonly board: BoardSyncController;
  private readonly recognition: RecognitionController;
  private readonly route = new RouteController(this, {
    room: () => this.board.connection.room,
    onRoomChange: (room) => this.joinRoom(room),
  });
  private readonly cursors: CursorController;
  private readonly shareLink = new ShareController(this);
  private readonly appUpdate = new AppUpdateController(this);

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    const { room, invalid } = roomFromPath(location.pathname);
    if (invalid) this.notice.say(msg('That board link is not valid (it may have been cut short), so here is a new board.'));
    this.board = new BoardSyncController(this, room, {
      onWelcome: (welcome) => {
        this.route.showRoom(welcome.room);
        this.recognition.welcomed();
      },
      onInkChange: (change) => this.recognition.inkChanged(change),
      onStrokeCancelled: (strokeId) => this.boardElement?.cancelStroke(strokeId),
      onResult: (message) => this.recognition.serverResultArrived(message),
      onCursor: (message) => this.cursors.heard(message),
      onPresence: (participants) => this.cursors.keepOnly(participants),
      onNotice: (text) => this.notice.say(text),
    });
    this.recognition = new RecognitionController(this, this.board);
    this.cursors = new CursorController(this, this.board);
    // After the board's connection: it connects first, as the kept ink is read back.
    new OfflineInkController(this, this.board, (strokes) => this.restoreInk(strokes));
    new ShortcutsController(this, {
      escape: () => this.closeMenu(),
      active: () => !this.showingOther,
      run: (command) => this.run(command),
    });
  }

  /** Wipes the board for everyone (after a confirmation when it holds others' ink). */
  clear(): void {
    const { sync } = this.board;
    if (sync.model.size === 0) return;
    if (!this.board.online) {
      this.notice.say(msg('Clearing the board needs the connection to it: try again when you are back online.'));
      return;
    }
    if (sync.hasOthersInk && !confirm(msg('Clear the board for everyone? Their ink goes too, and this cannot be undone.'))) return;
    sync.clear();
  }

  undo(): void {
    if (this.board.online) this.board.sync.undo();
  }

  redo(): void {
    if (this.board.online) this.board.sync.redo();
  }

  /** Whether a page other than the board (history, upload, model) covers it. */
  private get showingOther(): boolean {
    const { name } = this.route.page;
    return (name === 'history' && !!this.userId) || name === 'upload' || name === 'model';
  }

  override render() {
    const { connection, sync, participants } = this.board;
    const { onDevice } = this.recognition;
    const page = this.route.page;
    const online = connection.status === 'online';
    const offline = !online && connection.status !== 'error' && connection.unreachable;
    const inCharge = this.recognition.onDeviceInCharge;
    return html`
      <header>
        <h1>Digitboard</h1>
        ${connectionStatus(connection, onDevice, inCharge)}
        <!-- On a phone the secondary controls fold into this menu; elsewhere the button is hidden and they sit in the header. -->
        <button
          type="button"
          class="menu-button"
          data-testid="menu"
          aria-expanded=${this.menuOpen ? 'true' : 'false'}
          aria-controls="more"
          @click=${() => (this.menuOpen = !this.menuOpen)}
        >
          ${msg('Menu')}
        </button>
        <div id="more" class=${this.menuOpen ? 'more open' : 'more'} @click=${this.onMenuClick}>
          <participant-list .participants=${participants} you=${sync.me?.id ?? ''}></participant-list>
          <nav class="links" aria-label=${msg('Pages')}>
            <a class="button" href="#upload" data-testid="open-upload" aria-current=${page.name === 'upload' ? 'page' : 'false'}
              >${msg('Upload')}</a
            >
            <a class="button" href="#model" data-testid="open-model" aria-current=${page.name === 'model' ? 'page' : 'false'}
              >${msg('Model')}</a
            >
            <button type="button" data-testid="new-board" @click=${this.newBoard}>${msg('New board')}</button>
            <button
              type="button"
              data-testid="share"
              aria-label=${msg('Share link: copy the address of this board')}
              ?disabled=${!connection.room}
              @click=${() => this.shareLink.share()}
            >
              ${this.shareLink.state === 'copied' ? msg('Copied') : msg('Share link')}
            </button>
            <span class="sr-only" aria-live="polite">${this.shareLink.state === 'copied' ? msg('Link copied') : ''}</span>
            <board-downloads room=${connection.room ?? ''}></board-downloads>
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
      ${page.name === 'history' && this.userId
        ? html`<history-page
            class="history"
            role="main"
            aria-label=${msg('History')}
            .userId=${this.userId}
            .recordId=${page.recordId}
            @history-close=${this.closePage}
          ></history-page>`
        : nothing}
      ${page.name === 'upload'
        ? html`<upload-page class="view" role="main" aria-label=${msg('Upload')} @view-close=${this.closePage}></upload-page>`
        : nothing}
      ${page.name === 'model'
        ? html`<model-page class="view" role="main" aria-label=${msg('Model')} @view-close=${this.closePage}></model-page>`
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
            ?canUndo=${sync.canUndo}
            ?canRedo=${sync.canRedo}
            ?canClear=${sync.model.size > 0}
            @board-command=${(event: CustomEvent<BoardCommand>) => this.run(event.detail)}
          ></board-toolbar>
          <digit-board
            .model=${sync.model}
            tool=${this.tool}
            .groups=${this.recognition.groups}
            .sums=${this.recognition.sums}
            .cursors=${this.cursors.remote()}
            ?correctable=${this.recognition.correctable}
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
            <label class="toggle" data-testid="on-device-choice" data-state=${onDevice.state}>
              <input
                type="checkbox"
                role="switch"
                data-testid="on-device-toggle"
                .checked=${onDevice.preferred}
                @change=${this.onToggleOnDevice}
              />
              ${msg('Recognize on this device')}
            </label>
          </div>
          ${boardNotices({
            offline,
            notice: this.notice.text,
            shareFailed: this.shareLink.state === 'failed',
            onDeviceError: inCharge && onDevice.state === 'unavailable' ? onDevice.error : undefined,
          })}
        </section>
        <result-panel .result=${this.recognition.result} .latest=${this.recognition.latestDigit} .source=${this.recognition.source}></result-panel>
      </main>
      ${this.appUpdate.waiting
        ? html`<div class="update" role="status" data-testid="app-update">
            ${msg('A new version of Digitboard is ready.')}
            <button type="button" @click=${() => this.appUpdate.update()}>${msg('Update now')}</button>
          </div>`
        : nothing}
    `;
  }

  // --- The user's actions -----------------------------------------------------------------

  /** Escape closes the folded menu when it is open (and then clears nothing). */
  private closeMenu(): boolean {
    if (!this.menuOpen) return false;
    this.menuOpen = false;
    return true;
  }

  /** A page link or a board action chosen in the folded menu closes it (the account's own buttons open dialogs and leave it). */
  private onMenuClick(event: Event): void {
    const target = event.composedPath()[0];
    if (target instanceof HTMLElement && target.closest('nav.links a, nav.links button') && !target.closest('account-menu')) this.menuOpen = false;
  }

  private run(command: BoardCommand): void {
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
    this.board.sync.penDown(strokeId, points);
  }

  private onStrokePoints(event: CustomEvent<StrokeDetail>): void {
    this.board.sync.penMove(event.detail.strokeId, event.detail.points);
  }

  private onStrokeEnd(event: CustomEvent<StrokeEndDetail>): void {
    this.board.sync.penUp(event.detail.strokeId);
    this.recognition.strokeEnded();
  }

  private onCorrectNumber(event: CustomEvent<CorrectNumberDetail>): void {
    const { groupId, strokeIds, text } = event.detail;
    if (!this.recognition.showingServer || !this.board.sync.correct(groupId, strokeIds, text)) {
      this.notice.say(msg('Correcting a number needs the connection to the board: try again when you are back online.'));
    }
  }

  private onEraseStroke(event: CustomEvent<StrokeEndDetail>): void {
    if (!this.board.sync.erase(event.detail.strokeId)) this.notice.say(msg('Erasing needs the connection to the board: try again when you are back online.'));
  }

  private onBoardPointer(event: CustomEvent<BoardPointerDetail>): void {
    this.cursors.moved(event.detail);
  }

  private onToggleOnDevice(event: Event): void {
    this.recognition.setPreferred((event.target as HTMLInputElement).checked);
  }

  private onAccountChange(event: CustomEvent<AccountChange>): void {
    const { user, reason } = event.detail;
    this.userId = user?.id ?? '';
    // The server reads the session when the WebSocket opens: reconnect so that what we write
    // from now on is recorded for (or no longer for) this account.
    if (reason !== 'load') this.board.connection.reconnect();
    if (!user && this.route.page.name === 'history') this.route.close();
  }

  private openHistory(): void {
    this.route.open(historyHash());
  }

  private closePage(): void {
    this.route.close();
  }

  private onLanguageChange(event: Event): void {
    void setLocale((event.target as HTMLSelectElement).value as Locale, true);
  }

  private newBoard(): void {
    this.route.newBoard();
    this.joinRoom(undefined);
  }

  /** Leaves this board for another (undefined: a new one). */
  private joinRoom(room: string | undefined): void {
    this.cursors.clear();
    this.recognition.reset();
    this.notice.say('');
    this.shareLink.reset();
    this.board.join(room);
  }

  /** Own ink a previous page on this board kept while offline: drawn again, its last stroke the latest. */
  private restoreInk(strokes: readonly PendingStroke[]): void {
    this.recognition.restoredStroke(strokes[strokes.length - 1].id);
    this.board.sync.restore(strokes);
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
