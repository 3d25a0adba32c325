import { STEP_UP_ACTIONS, type StepUpSettings } from '../domain/step-up.ts';

interface Named {
  id: string;
  name: string;
}

/** The settings page's step-up check lists (the guarded actions, the roles and groups asked) and the staff a manager may reset. */
export function stepUpChoices(policy: StepUpSettings, roles: readonly Named[], groups: readonly Named[], admins: readonly Named[]) {
  return {
    stepUpAdmins: admins.map((a) => ({ id: a.id, name: a.name })),
    stepUpActions: STEP_UP_ACTIONS.map((action) => ({ id: action, nameKey: `settings.stepUp.action.${action}`, checked: policy.actions.includes(action) })),
    stepUpRoles: roles.map((r) => ({ id: r.id, name: r.name, checked: policy.staffRoleIds.includes(r.id) })),
    stepUpGroups: groups.map((g) => ({ id: g.id, name: g.name, checked: policy.clientGroupIds.includes(g.id) })),
  };
}
