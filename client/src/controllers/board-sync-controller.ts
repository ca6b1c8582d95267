import { msg } from '@lit/localize';
import type { ReactiveControllerHost } from 'lit';
import { ErrorCode } from '../../../common/error-codes.js';
import type { Participant, ServerMessage } from '../../../common/protocol.js';
import { BoardSync, type InkChange } from '../board/board-sync.js';
import { clientKey } from '../board/client-key.js';
import { readName, writeName } from '../board/stored-name.js';
import { ConnectionController, type WelcomeMessage } from './connection.js';

export type ResultMessage = Extract<ServerMessage, { type: 'result' }>;
export type CursorMessage = Extract<ServerMessage, { type: 'cursor' }>;

export interface BoardSyncHandlers {
  /** A session is up on a board, before its ink is applied. */
  onWelcome(welcome: WelcomeMessage): void;
  onInkChange(change: InkChange): void;
  /** The stroke being drawn here was erased or cleared by someone: stop drawing it. */
  onStrokeCancelled(strokeId: string): void;
  onResult(message: ResultMessage): void;
  onCursor(message: CursorMessage): void;
  /** Someone joined or left. */
  onPresence(participants: readonly Participant[]): void;
  /** A sentence for the user (an error from the server that is theirs to read). */
  onNotice(text: string): void;
}

/**
 * The page's board on the server: the connection (a ConnectionController of the host) and this
 * page's copy of the ink (BoardSync), joined; who is on the board; and the switch over what the
 * server says, which hands results, cursors and notices to the host's handlers. It has no
 * lifecycle of its own: the connection opens and closes with the host.
 */
export class BoardSyncController {
  readonly connection: ConnectionController;
  readonly sync: BoardSync;
  /** Who is on the board, us included. */
  participants: readonly Participant[] = [];

  private readonly host: ReactiveControllerHost;
  private readonly handlers: BoardSyncHandlers;

  constructor(host: ReactiveControllerHost, room: string | undefined, handlers: BoardSyncHandlers) {
    this.host = host;
    this.handlers = handlers;
    this.sync = new BoardSync({
      send: (message) => this.connection.send(message),
      onInkChange: (change) => handlers.onInkChange(change),
      onStrokeCancelled: (strokeId) => handlers.onStrokeCancelled(strokeId),
    });
    this.connection = new ConnectionController(host, {
      room,
      name: readName,
      client: clientKey,
      onWelcome: (welcome) => this.onWelcome(welcome),
      onMessage: (message) => this.onMessage(message),
      onSynced: () => this.sync.resend(),
    });
  }

  get online(): boolean {
    return this.connection.status === 'online';
  }

  /** Leaves this board for another (undefined: a new one). */
  join(room: string | undefined): void {
    this.sync.reset();
    this.participants = [];
    this.connection.switchRoom(room);
  }

  private onWelcome(welcome: WelcomeMessage): void {
    this.handlers.onWelcome(welcome);
    writeName(welcome.you.name);
    this.participants = welcome.participants;
    this.sync.welcome(welcome);
    this.host.requestUpdate();
  }

  private onMessage(message: ServerMessage): void {
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
        if (message.type !== 'stroke-points') this.host.requestUpdate();
        return;
      case 'result':
        return this.handlers.onResult(message);
      case 'presence':
        this.participants = message.participants;
        this.handlers.onPresence(message.participants);
        this.host.requestUpdate();
        return;
      case 'cursor':
        return this.handlers.onCursor(message);
      case 'error':
        if (message.code === ErrorCode.unknownGroup) {
          this.handlers.onNotice(msg('That number changed before your correction reached the board: look at it again and correct it anew.'));
          return;
        }
        if (!this.sync.absorbError(message.code)) this.handlers.onNotice(`${message.message.charAt(0).toUpperCase()}${message.message.slice(1)}.`);
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
}
