/**
 * What participants said the numbers on a board are (corrections of their readings), beside the
 * room so that the room only calls it. A correction belongs to one version of a number: the
 * group object PlaceGroups had when it was made. Groups are never modified (a changed number is
 * a new object), so a correction holds while `grouping.get(id)` still returns that object, and
 * is dropped as soon as the number's strokes change: the new ink is read afresh.
 */
import type { PlaceGroups, StrokeGroup } from '../../../common/grouping.js';
import type { GroupResult } from '../../../common/protocol.js';
import type { StoredCorrection } from '../db/room-store.js';

/** The current number with this id and exactly these strokes (in any order), if there is one. */
export function currentGroup(grouping: PlaceGroups, groupId: string, strokeIds: readonly string[]): StrokeGroup | undefined {
  const group = grouping.get(groupId);
  if (!group || group.strokeIds.length !== strokeIds.length) return undefined;
  const ids = new Set(group.strokeIds);
  return strokeIds.every((id) => ids.has(id)) && new Set(strokeIds).size === ids.size ? group : undefined;
}

export class Corrections {
  private readonly byGroup = new Map<string, { group: StrokeGroup; correction: StoredCorrection }>();

  /** The correction of this number as it is now, if any. */
  of(group: StrokeGroup): StoredCorrection | undefined {
    const entry = this.byGroup.get(group.strokeIds[0]);
    return entry?.group === group ? entry.correction : undefined;
  }

  /** Sets (or, with text "", withdraws) the correction of `group`, a current number. */
  set(group: StrokeGroup, correction: StoredCorrection): void {
    if (correction.text === '') this.byGroup.delete(group.strokeIds[0]);
    else this.byGroup.set(group.strokeIds[0], { group, correction: { ...correction, strokeIds: [...group.strokeIds] } });
  }

  /** Drops the corrections of numbers whose strokes changed; returns them. */
  prune(grouping: PlaceGroups): StoredCorrection[] {
    const dropped: StoredCorrection[] = [];
    for (const [id, { group, correction }] of this.byGroup) {
      if (grouping.get(id) === group) continue;
      this.byGroup.delete(id);
      dropped.push(correction);
    }
    return dropped;
  }

  /** Forgets everything (a clear), or starts over from stored corrections that match `grouping`. */
  reset(grouping?: PlaceGroups, stored: readonly StoredCorrection[] = []): void {
    this.byGroup.clear();
    if (!grouping) return;
    for (const c of stored) {
      const group = currentGroup(grouping, c.groupId, c.strokeIds);
      if (group && c.text !== '') this.set(group, c);
    }
  }

  /** The number as members should hold it: with its correction, or without any. */
  decorate(result: GroupResult, group: StrokeGroup): GroupResult {
    const { correctedText: _text, correctedBy: _by, ...plain } = result;
    const c = this.of(group);
    return c ? { ...plain, correctedText: c.text, correctedBy: c.name } : plain;
  }
}
