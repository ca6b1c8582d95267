/**
 * Which recognizer's answers the page shows: the server's while it is reachable, this device's
 * when it is not or when the user prefers it (unless the device cannot load its recognizer).
 */
import type { GroupResult } from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import type { ConnectionStatus } from '../controllers/connection.js';
import type { OnDeviceState } from '../controllers/on-device.js';

/** Whether the ink is recognized here rather than by the server. */
export function recognizesOnDevice(preferred: boolean, status: ConnectionStatus): boolean {
  return preferred || status !== 'online';
}

/** Whether the server's results are shown: when online, unless the user prefers this device and it works. */
export function showsServer(preferred: boolean, status: ConnectionStatus, device: OnDeviceState): boolean {
  return status === 'online' && (!preferred || device === 'unavailable');
}

/** Whether these groups account for every one of these strokes (an answer for the ink on the board now). */
export function covers(groups: readonly GroupResult[], strokeIds: readonly string[]): boolean {
  const read = new Set(groups.flatMap((g) => g.strokeIds));
  return strokeIds.every((id) => read.has(id));
}

/** The digit whose box holds most of a stroke's points: the one just written (the last digit without a stroke). */
export function digitOfStroke(result: Recognition, points: readonly number[][] | undefined): number {
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
