import type { Principal } from './actor.ts';

/**
 * Merges repeated principals in a grant or member list: one item per
 * (kind, id), in the order of first appearance, able to edit (or share) when
 * any of its repeats could. Entry grants and category members both go through here.
 */
export function mergeDuplicatePrincipals<T extends Principal & { canEdit: boolean; canShare?: boolean }>(items: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const key = `${item.kind}\u0000${item.id}`;
    const previous = byKey.get(key);
    if (!previous) {
      byKey.set(key, { ...item });
      continue;
    }
    const canShare = previous.canShare === true || item.canShare === true;
    byKey.set(key, { ...previous, canEdit: previous.canEdit || item.canEdit, ...canShare ? { canShare } : {} });
  }
  return [...byKey.values()];
}
