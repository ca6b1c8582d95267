/** Client-side tunables, in one place. */
export const config = {
  /** Same origin as the page: http -> ws, https -> wss. */
  wsUrl: `${location.origin.replace(/^http/, 'ws')}/ws`,
  /** App-level ping period: browsers expose no WebSocket protocol pings. */
  pingIntervalMs: 5_000,
  /** A socket that has said nothing for this long is dead, even if the browser still thinks it is open. */
  deadAfterMs: 10_000,
  /** How often liveness is checked (and a ping sent when one is due). */
  livenessCheckMs: 1_000,
  reconnectMinMs: 500,
  reconnectMaxMs: 2_000,
  /** Our live cursor goes out at most this often (the server forwards at most one per 30 ms). */
  cursorIntervalMs: 33,
  /** Others' cursors fade when they have not moved for this long. */
  cursorIdleMs: 3_000,
  /** Notices (an action that needs the connection, an error from the server) show this long. */
  noticeMs: 8_000,
  /** localStorage key remembering the name the server gave us, to keep it on every board. */
  nameKey: 'digitboard.name',
  /** localStorage key of this browser's key on boards (board/client-key.ts). */
  clientKeyKey: 'digitboard.client-key',
  /** On-device recognition: the model and its manifest, and onnxruntime-web's files, all from our server. */
  onDevice: {
    manifestUrl: '/api/model',
    modelUrl: '/api/model.onnx',
    runtimeUrl: '/ort/',
    /** After the first pen-up, the recognizer is loaded in the background this much later (for when the server goes away). */
    warmUpDelayMs: 1_000,
    /** After failing to load the recognizer, wait this long before trying again. */
    retryAfterMs: 10_000,
    /** localStorage key remembering that the user chose on-device recognition. */
    preferenceKey: 'digitboard.on-device',
  },
} as const;
