import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PlacedStroke } from '../../../common/grouping.js';
import { minExtentFor } from '../../../common/ink-reading.js';
import { BOARD_HEIGHT, BOARD_WIDTH } from '../../../common/protocol-constants.js';
import type { Recognition } from '../../../common/recognition.js';
import { config } from '../config.js';
/** Marks smaller than this on the board are taps, never digits (as the server reads them). */
const BOARD_MIN_EXTENT = minExtentFor(BOARD_WIDTH, BOARD_HEIGHT);

import { recognizeBoard, type BoardRecognition, type RecognitionChange } from '../recognizer/board-recognition.js';
import type { LocalRecognizer } from '../recognizer/local-recognizer.js';

/** `unavailable`: the runtime or the model could not be loaded (a request after a pause tries again). */
export type OnDeviceState = 'idle' | 'loading' | 'ready' | 'unavailable';

function readPreference(): boolean {
  try {
    return localStorage.getItem(config.onDevice.preferenceKey) === 'on';
  } catch {
    // Storage can be disabled (privacy settings): the choice then lasts as long as the page.
    return false;
  }
}

function writePreference(on: boolean): void {
  try {
    if (on) localStorage.setItem(config.onDevice.preferenceKey, 'on');
    else localStorage.removeItem(config.onDevice.preferenceKey);
  } catch {
    // As above.
  }
}

/**
 * Recognition in this browser, for when the server cannot be reached or the user prefers it.
 * Owns the user's choice (remembered in localStorage) and the recognizer, which it loads on first
 * need: onnxruntime-web and the model are a separate download that the board does not wait for.
 */
export class OnDeviceController implements ReactiveController {
  /** The user chose on-device recognition even when the server is reachable. */
  preferred = readPreference();
  state: OnDeviceState = 'idle';
  /** Why the state is `unavailable`, for people. */
  error = '';

  private readonly host: ReactiveControllerHost;
  private recognizer: Promise<LocalRecognizer> | undefined;
  private warmUpTimer: ReturnType<typeof setTimeout> | undefined;
  private failedAt = -Infinity;
  /** Bumped by every request and by cancel(): only the latest request's result is delivered. */
  private latest = 0;
  /** Results per group of strokes (keyed by their ids), from the last run. */
  private cache = new Map<string, Recognition>();

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    if (this.preferred) this.warmUp();
  }

  hostDisconnected(): void {
    clearTimeout(this.warmUpTimer);
    this.warmUpTimer = undefined;
  }

  setPreferred(on: boolean): void {
    if (on === this.preferred) return;
    this.preferred = on;
    writePreference(on);
    if (on) this.warmUp();
    this.host.requestUpdate();
  }

  /** Starts loading now, so that the first recognition does not wait for the download. */
  warmUp(): void {
    this.load().catch(() => undefined);
  }

  /**
   * Loads in the background, a little later and when the page is idle: the download (about 14 MB
   * of WebAssembly, cached for good afterwards) and its compilation should not compete with the
   * first results. Skipped when the user asked the browser to save data.
   */
  warmUpLater(): void {
    if (this.recognizer || this.warmUpTimer !== undefined) return;
    const connection = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection;
    if (connection?.saveData) return;
    this.warmUpTimer = setTimeout(() => {
      const start = () => this.warmUp();
      if (typeof requestIdleCallback === 'function') requestIdleCallback(start, { timeout: 2_000 });
      else start();
    }, config.onDevice.warmUpDelayMs);
  }

  /**
   * Recognizes every number on the board on this device. Resolves with null instead when a later
   * request or a cancel() made this one stale, or when the recognizer cannot be loaded (see `state`).
   */
  async recognizeBoard(strokes: readonly PlacedStroke[], change: RecognitionChange): Promise<BoardRecognition | null> {
    const ticket = ++this.latest;
    try {
      const recognizer = await this.load();
      if (ticket !== this.latest) return null;
      const { recognition, cache } = await recognizeBoard(strokes, change, (s) => recognizer.recognize(s, { minExtent: BOARD_MIN_EXTENT }), this.cache, recognizer.model);
      if (ticket !== this.latest) return null;
      this.cache = cache;
      return recognition;
    } catch (err) {
      if (this.state === 'ready') {
        // Loaded, but this run failed: not expected, and not worth giving up on-device for.
        console.warn('On-device recognition failed', err);
      }
      return null;
    }
  }

  /** Results of requests made so far will not be delivered (the board was cleared). */
  cancel(): void {
    this.latest += 1;
  }

  private load(): Promise<LocalRecognizer> {
    // Not a new download attempt for every stroke while the server cannot provide one.
    if (!this.recognizer && performance.now() - this.failedAt < config.onDevice.retryAfterMs) {
      return Promise.reject(new Error(this.error));
    }
    this.recognizer ??= this.create();
    return this.recognizer;
  }

  private async create(): Promise<LocalRecognizer> {
    this.setState('loading');
    try {
      const { createLocalRecognizer } = await import('../recognizer/local-recognizer.js');
      const recognizer = await createLocalRecognizer(config.onDevice);
      this.setState('ready');
      return recognizer;
    } catch (err) {
      // Forget the failure so that a later request tries again (the network may be back).
      this.recognizer = undefined;
      this.failedAt = performance.now();
      this.error = err instanceof Error ? err.message : String(err);
      console.warn('On-device recognition is unavailable:', err);
      this.setState('unavailable');
      throw err;
    }
  }

  private setState(state: OnDeviceState): void {
    if (this.state === state) return;
    this.state = state;
    this.host.requestUpdate();
  }
}
