import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { GroupResult } from '../../../common/protocol.js';
import type { MathItem, Recognition } from '../../../common/recognition.js';
import { applyDelta } from '../../../common/result-delta.js';
import type { InkChange } from '../board/board-sync.js';
import type { RecognitionSource } from '../components/result-panel/result-panel.js';
import type { RecognitionChange } from '../recognizer/board-recognition.js';
import { covers, digitOfStroke, recognizesOnDevice, showsServer } from '../recognizer/recognition-source.js';
import type { BoardSyncController, ResultMessage } from './board-sync-controller.js';
import type { ConnectionStatus } from './connection.js';
import { OnDeviceController } from './on-device.js';

/**
 * The numbers read on the board, from the server or from this device (recognition-source.ts says
 * which): merges the server's results, runs the device's recognizer on each change to the ink
 * while it is in charge, and hands back to the server once its answer covers the ink on the board.
 * The host element fires a `recognition` event for each result shown.
 */
export class RecognitionController implements ReactiveController {
  /** The latest number (the group the last change touched). */
  result: Recognition | null = null;
  /** Every number on the board, shown beside the ink. */
  groups: readonly GroupResult[] = [];
  /** Every column sum on the board, shown under its rule (the server's, whole in each result; or this device's). */
  sums: readonly MathItem[] = [];
  /** Who produced `result` and `groups`. */
  source: RecognitionSource = 'server';
  /** The digit of `result` just written (-1: none). */
  latestDigit = -1;
  readonly onDevice: OnDeviceController;

  private readonly host: ReactiveControllerHost & EventTarget;
  private readonly board: BoardSyncController;
  /** The server's latest answer, kept while the device's are shown. */
  private serverResult: { result: Recognition; groups: GroupResult[]; sums: MathItem[] } | null = null;
  /** The latest completed stroke (anyone's): its digit is the one the chart shows. */
  private lastStrokeId: string | undefined;
  /** The connection's status at the last update: a change is noticed in hostUpdate. */
  private shownStatus: ConnectionStatus = 'offline';

  constructor(host: ReactiveControllerHost & EventTarget, board: BoardSyncController) {
    this.host = host;
    this.board = board;
    this.onDevice = new OnDeviceController(host);
    host.addController(this);
  }

  /** Whether the ink is recognized here rather than by the server. */
  get onDeviceInCharge(): boolean {
    return recognizesOnDevice(this.onDevice.preferred, this.board.connection.status);
  }

  /** Whether the server's results are shown. */
  get showingServer(): boolean {
    return showsServer(this.onDevice.preferred, this.board.connection.status, this.onDevice.state);
  }

  /** Numbers can be corrected only through the server (not offline, not on this device). */
  get correctable(): boolean {
    return this.showingServer && this.source === 'server';
  }

  hostUpdate(): void {
    const { connection } = this.board;
    // The server cannot be reached (from the start, or again): recognize here now, not at the first stroke.
    if (connection.unreachable && connection.status !== 'online' && this.onDevice.state === 'idle') this.onDevice.warmUp();
    const status = connection.status;
    if (status === this.shownStatus) return;
    const wasOnline = this.shownStatus === 'online';
    this.shownStatus = status;
    // The server is gone: recognize here from now on, starting with the ink on the board.
    if (wasOnline && this.onDeviceInCharge) {
      this.onDevice.warmUp();
      if (this.board.sync.model.completed().length > 0) void this.recognizeOnDevice(this.lastChange());
    }
  }

  /** The user's choice of this device (or not). */
  setPreferred(on: boolean): void {
    this.onDevice.setPreferred(on);
    if (on) {
      if (this.board.sync.model.completed().length > 0) void this.recognizeOnDevice(this.lastChange());
      return;
    }
    this.onDevice.cancel();
    // Back to the server: its latest answer, if it is for the ink on the board now.
    this.showServerIfCurrent();
  }

  /** A stroke drawn here ended: whoever writes may lose the connection, so have the on-device recognizer ready by then. */
  strokeEnded(): void {
    if (!this.onDeviceInCharge) this.onDevice.warmUpLater();
  }

  /** Own ink put back after a reload: its last stroke is the latest one, as before the reload. */
  restoredStroke(strokeId: string): void {
    this.lastStrokeId = strokeId;
  }

  /** A new session on the board: the server's earlier results are for another session. */
  welcomed(): void {
    this.serverResult = null;
  }

  /** Another board: nothing of this one is shown. */
  reset(): void {
    this.serverResult = null;
    this.lastStrokeId = undefined;
    this.onDevice.cancel();
    this.showNothing();
  }

  serverResultArrived(message: ResultMessage): void {
    // Results carry only the numbers that changed: every one is merged, shown or not.
    const groups = applyDelta(this.serverResult?.groups ?? [], message);
    // Sums, unlike numbers, come whole with every result.
    const { result, sums } = message;
    this.serverResult = { result, groups, sums };
    // Computed before our clear, which the server has not confirmed yet.
    if (this.board.sync.clearPending) return;
    if (!this.showingServer) return;
    // After a reconnect the server catches up on the re-sent ink: keep the device's answer until
    // the server's covers the ink on the board.
    if (this.source === 'device' && !this.coversBoard(groups)) return;
    this.show(result, groups, sums, 'server');
  }

  inkChanged(change: InkChange): void {
    if (change.type === 'stroke') this.lastStrokeId = change.strokeId;
    if (change.type === 'cleared') {
      this.lastStrokeId = undefined;
      this.onDevice.cancel();
      this.showNothing();
    }
    this.host.requestUpdate();
    if (this.onDeviceInCharge && change.type !== 'cleared') void this.recognizeOnDevice(this.toRecognitionChange(change));
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
    return this.lastStrokeId && this.board.sync.model.has(this.lastStrokeId) ? { strokeId: this.lastStrokeId } : null;
  }

  private async recognizeOnDevice(change: RecognitionChange): Promise<void> {
    const strokes = this.board.sync.model.completed().map((s) => ({ id: s.id, points: s.points }));
    const recognition = await this.onDevice.recognizeBoard(strokes, change);
    if (recognition) {
      // Unless the server is back in charge meanwhile.
      if (this.onDeviceInCharge) this.show(recognition.result, recognition.groups, recognition.sums, 'device');
      return;
    }
    // Stale, or the recognizer is unavailable: then the server's answer, if it has one for this ink.
    if (this.onDevice.state === 'unavailable') this.showServerIfCurrent();
  }

  /** The server's latest answer, when it is shown and for the ink on the board now. */
  private showServerIfCurrent(): void {
    const latest = this.serverResult;
    if (this.showingServer && latest && this.coversBoard(latest.groups)) this.show(latest.result, latest.groups, latest.sums, 'server');
  }

  private coversBoard(groups: readonly GroupResult[]): boolean {
    return covers(groups, this.board.sync.model.completed().map((s) => s.id));
  }

  private show(result: Recognition, groups: readonly GroupResult[], sums: readonly MathItem[], source: RecognitionSource): void {
    this.result = result;
    this.groups = groups;
    this.sums = sums;
    this.source = source;
    const points = this.lastStrokeId ? this.board.sync.model.get(this.lastStrokeId)?.points : undefined;
    this.latestDigit = digitOfStroke(result, points);
    this.host.requestUpdate();
    this.host.dispatchEvent(new CustomEvent('recognition', { detail: result, bubbles: true, composed: true }));
  }

  private showNothing(): void {
    this.result = null;
    this.groups = [];
    this.sums = [];
    this.latestDigit = -1;
    this.host.requestUpdate();
  }
}
