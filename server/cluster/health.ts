/** Polling a node's /api/health for a status, and timing it. */
import type { ClusterNode, Health } from './nodes.js';
import { waitFor } from './ports.js';

/** Waits until every node's health satisfies `check`; returns the ms it took from `since`. */
export async function healthUntil(nodes: ClusterNode[], what: string, check: (h: Health) => boolean, since: number, timeoutMs = 20_000): Promise<number> {
  let last: (Health | string)[] = [];
  await waitFor(
    `${nodes.map((n) => n.name).join(', ')}: health ${what}`,
    async () => {
      last = await Promise.all(nodes.map((n) => n.health().then((h) => h.body).catch((err: Error) => `no answer: ${err.message}`)));
      return last.every((h) => typeof h !== 'string' && check(h));
    },
    timeoutMs,
    100,
  ).catch((err: Error) => {
    const bodies = last.map((h) => (typeof h === 'string' ? h : JSON.stringify({ status: h.status, checks: h.checks })));
    throw new Error(`${err.message}; last answers: ${bodies.join(' | ')}`);
  });
  return Math.round(performance.now() - since);
}

export const degradedOn = (check: 'redis' | 'database') => (h: Health) => h.status === 'degraded' && h.checks?.[check]?.status !== undefined && h.checks[check].status !== 'ok';
export const allOk = (h: Health) => h.status === 'ok' && Object.values(h.checks ?? {}).every((c) => c.status === 'ok') && h.checks?.redis !== undefined && h.checks?.database !== undefined;
/** The database check is ok (whatever the others say: another fault may be under test). */
export const databaseOk = (h: Health) => h.checks?.database?.status === 'ok';
