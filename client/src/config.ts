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
} as const;
