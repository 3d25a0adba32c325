import type { ActorFacts } from '../policy/facts.ts';

/** The actions an installer may put behind a fresh second-factor verification. */
export const STEP_UP_ACTIONS = ['reveal', 'copy', 'export', 'share', 'historyReveal', 'apiTokenCreate'] as const;
export type StepUpAction = (typeof STEP_UP_ACTIONS)[number];

/** The second factors a person can prove themselves with. */
export const STEP_UP_METHODS = ['totp', 'passkey', 'recoveryCode'] as const;
export type StepUpMethod = (typeof STEP_UP_METHODS)[number];

/**
 * Which actions need a fresh verification, from whom, and for how long one
 * holds. Nobody is asked by default, so an existing install keeps working
 * until an admin turns it on.
 */
export interface StepUpSettings {
  actions: StepUpAction[];
  /** Every staff member, or only those with one of `staffRoleIds`. */
  allStaff: boolean;
  staffRoleIds: string[];
  /** Every client and contact, or only those of a client in one of `clientGroupIds`. */
  allClients: boolean;
  clientGroupIds: string[];
  /** How long one verification holds for its session. */
  minutes: number;
  /**
   * API tokens cannot answer a prompt: off (the default), a token is refused
   * a guarded action like anyone unverified; on, tokens are exempt (their
   * creation can itself be guarded).
   */
  exemptApiTokens: boolean;
}

export const DEFAULT_STEP_UP: StepUpSettings = {
  actions: [],
  allStaff: false,
  staffRoleIds: [],
  allClients: false,
  clientGroupIds: [],
  minutes: 10,
  exemptApiTokens: false,
};

/** Whether the settings ask this person for a fresh verification before `action`. */
export function stepUpApplies(policy: StepUpSettings, facts: ActorFacts, action: StepUpAction): boolean {
  if (!policy.actions.includes(action)) return false;
  switch (facts.kind) {
    case 'admin': return policy.allStaff || (facts.roleId !== null && policy.staffRoleIds.includes(facts.roleId));
    case 'client': return policy.allClients || (facts.groupId !== null && policy.clientGroupIds.includes(facts.groupId));
    case 'system': return false;
  }
}
