import { strengthOf } from '../crypto/password-strength.ts';
import type { OwnerKind } from '../domain/entry.ts';
import type { VaultSettings } from '../domain/settings.ts';
import { ValidationError } from '../errors.ts';
import type { ActorFacts } from '../policy/facts.ts';
import type { HostDirectory } from '../ports/host-directory.ts';
import { issue } from '../validation/rules.ts';

/** The entry a password is set on, as far as its minimum strength goes. */
export interface PasswordTarget {
  ownerKind: OwnerKind;
  ownerId: string;
  name: string;
  username: string;
}

/**
 * Refuses a password weaker than its entry's minimum: the staff minimum for
 * staff entries, the minimum of the owning client's group for client entries
 * (none for a group the settings do not name). The client's group is the
 * actor's own when the client sets it, else asked of the host, and only when
 * some group has a minimum at all.
 */
export async function requireStrongEnough(
  host: HostDirectory, settings: VaultSettings, facts: ActorFacts, target: PasswordTarget, password: string,
): Promise<void> {
  const minimum = await minimumScoreFor(host, settings, facts, target);
  if (minimum === 0) return;
  const score = strengthOf(password, [target.name, target.username]);
  if (score < minimum) throw new ValidationError([issue('password', 'tooWeak', { score, min: minimum })]);
}

async function minimumScoreFor(host: HostDirectory, settings: VaultSettings, facts: ActorFacts, target: PasswordTarget): Promise<number> {
  const policy = settings.passwordPolicy;
  if (target.ownerKind === 'admin') return policy.staffMinimumScore;
  if (Object.keys(policy.clientGroupMinimumScores).length === 0) return 0;
  const groupId = facts.kind === 'client' && facts.clientId === target.ownerId
    ? facts.groupId
    : (await host.clients([target.ownerId])).get(target.ownerId)?.groupId ?? null;
  return groupId === null ? 0 : policy.clientGroupMinimumScores[groupId] ?? 0;
}
