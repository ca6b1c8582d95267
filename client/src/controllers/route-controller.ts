import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { pageFromHash, roomFromPath, roomPath, type Page } from '../router.js';

export interface RouteOptions {
  /** The board the page is on now. */
  room(): string | undefined;
  /** Back or Forward went to another board's address (undefined: a new board). */
  onRoomChange(room: string | undefined): void;
}

/**
 * Follows the address bar (see router.ts): the page over the board, from the hash, and the board,
 * from the path, as the user goes Back, Forward or follows a #link. The host re-renders on a change.
 */
export class RouteController implements ReactiveController {
  /** What covers the board. */
  page: Page = pageFromHash(location.hash);

  private readonly host: ReactiveControllerHost;
  private readonly options: RouteOptions;

  constructor(host: ReactiveControllerHost, options: RouteOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener('hashchange', this.onHashChange);
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener('hashchange', this.onHashChange);
  }

  /** Opens a page by its hash (a new history entry: Back returns to the board). */
  open(hash: string): void {
    location.hash = hash;
  }

  /** Back to the board: drops the hash (without a jump to the top, which setting it to '' would make). */
  close(): void {
    history.pushState(null, '', location.pathname + location.search);
    this.setPage({ name: 'board' });
  }

  /** Goes to / for a new board (the welcome then names it: see showRoom). */
  newBoard(): void {
    history.pushState(null, '', '/');
  }

  /** The address of the board joined, in place of / or an old one. The hash stays: it is the page's view, not the board's address. */
  showRoom(room: string): void {
    if (location.pathname !== roomPath(room)) history.replaceState(null, '', roomPath(room) + location.hash);
  }

  private setPage(page: Page): void {
    this.page = page;
    this.host.requestUpdate();
  }

  private readonly onHashChange = (): void => {
    this.setPage(pageFromHash(location.hash));
  };

  private readonly onPopState = (): void => {
    this.setPage(pageFromHash(location.hash));
    const { room } = roomFromPath(location.pathname);
    if (room !== this.options.room()) this.options.onRoomChange(room);
  };
}
