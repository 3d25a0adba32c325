import type { AdminActor } from '../domain/actor.ts';
import { ValidationError } from '../errors.ts';
import type { Latchkey } from '../latchkey.ts';
import type { Renderer } from '../render/renderer.ts';
import type { Language } from '../render/languages.ts';
import type { AccessReason } from '../policy/access-reasons.ts';
import { personName } from '../services/person-names.ts';
import type { HookContext } from './hook-contract.ts';

// The models of the addon pages about access: the effective access report,
// the access review, and the dashboard's alert lines.

/** The access report page: one client's entries and who sees them, or the clients one staff member reaches. */
export async function accessPageModel(lk: Latchkey, actor: AdminActor, context: HookContext, env: { renderer: Renderer; language: Language }): Promise<object> {
  const params = context.params ?? {};
  const clientId = (params.clientId ?? '').trim().slice(0, 64);
  const adminId = (params.adminId ?? '').trim().slice(0, 64);
  const [admins, roles, categories] = await Promise.all([lk.host.allAdmins(), lk.host.adminRoles(), lk.categories.list(actor)]);
  const roleNames = new Map(roles.map((r) => [r.id, r.name]));
  const categoryNames = new Map(categories.map((c) => [c.id, c.name]));
  const valueOf = (r: AccessReason) => r.kind === 'extendedRole' || r.kind === 'roleGrant' ? roleNames.get(r.roleId) ?? r.roleId
    : r.kind === 'category' ? categoryNames.get(r.categoryId) ?? r.categoryId : r.kind === 'mode' ? r.mode : '';
  let problem: string | null = null;
  let clientReport: object | null = null;
  // The client picker shows the name of the client chosen, the id as given when the host knows no such client.
  let clientShown = clientId;
  if (clientId) {
    try {
      const lines = await lk.accessReport.forClient(actor, clientId);
      const client = (await lk.host.clients([clientId])).get(clientId);
      clientShown = client?.name ?? clientId;
      clientReport = {
        name: client?.name ?? clientId,
        csvPath: `/access/clients/${encodeURIComponent(clientId)}/csv`,
        lines: lines.map((l) => ({ ...l, reasons: l.reasons.map((r) => ({ kind: r.kind, value: valueOf(r) })) })),
      };
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const issue = err.issues[0]!;
      problem = env.renderer.translator(env.language)(`validation.${issue.rule}`, issue.params ?? {});
    }
  }
  const staff = admins.find((a) => a.id === adminId);
  const staffReport = staff ? { name: staff.name, clients: await lk.accessReport.forStaff(actor, staff.id) } : null;
  return {
    clientId, clientShown, problem, clientReport, staffReport,
    staff: admins.map((a) => ({ id: a.id, name: a.name, selected: a.id === adminId })),
  };
}

/** The access review page: the last review, what changed since, with names. */
export async function reviewPageModel(lk: Latchkey, actor: AdminActor): Promise<object> {
  const [state, settings] = await Promise.all([lk.accessReviews.state(actor), lk.settings.get(actor)]);
  const adminIds = [...new Set(state.changes.filter((c) => c.actor.kind === 'admin' && c.actor.id).map((c) => c.actor.id!))];
  const admins = await lk.host.admins([...adminIds, ...state.lastReviewedBy ? [state.lastReviewedBy] : []]);
  return {
    lastReviewedAt: state.lastReviewedAt,
    lastReviewedBy: state.lastReviewedBy ? admins.get(state.lastReviewedBy)?.name ?? state.lastReviewedBy : null,
    everyDays: settings.accessReviewDays,
    changes: state.changes.map((c) => ({
      ...c,
      actorName: c.actor.kind === 'admin' && c.actor.id ? admins.get(c.actor.id)?.name ?? c.actor.id : c.actor.id ?? '',
      detailText: c.details ? JSON.stringify(c.details) : '',
    })),
  };
}

/** The dashboard's alert lines, with the people named as the host names them. */
export async function alertLines(lk: Latchkey, actor: AdminActor): Promise<object[]> {
  const alerts = await lk.alerts.recent(actor, 10);
  return Promise.all(alerts.map(async (a) => ({
    rule: a.rule, at: a.at, personName: await personName(lk.host, a.person) ?? '*', count: a.details.count ?? '', minutes: a.details.minutes ?? '',
  })));
}
