import { HEAD_UNVERIFIED_ACTION } from '../store/audit-log.ts';
import { REVIEWED_ACTION } from './access-reviews.ts';
import { ROTATION_ACTIONS } from './key-rotation.ts';
import { ALERT_ACTION, ROLE_CHANGED_ACTION } from './security-alerts.ts';
import { SERVICE_EVENTS } from './service-lifecycle.ts';
import { SESSION_OPENED_ACTION, TOKEN_REFUSED_ACTION } from './sign-in-audit.ts';
import { RESTORE_ACTION } from './entry-service.ts';

/**
 * Every action the audit trail records, in the order the audit page offers
 * them. Each has a label (`audit.actions.<action>`) and a sentence
 * (`auditSentence.<action>`) in every language; a test holds this list to the
 * actions the code records.
 */
export const AUDIT_ACTIONS = [
  'entry.create', 'entry.reveal', 'entry.copy', 'entry.update', 'entry.share', 'entry.delete', 'entry.history.reveal', RESTORE_ACTION,
  'entries.import', 'entries.export',
  'category.create', 'category.update', 'category.delete', 'settings.update', 'addon.change',
  ...SERVICE_EVENTS.map((event) => `service.${event}` as const),
  ...ROTATION_ACTIONS, HEAD_UNVERIFIED_ACTION,
  'apiToken.create', 'apiToken.revoke', 'apiToken.refused',
  'stepUp.enrol', 'stepUp.verify', 'stepUp.failed', 'stepUp.reset',
  SESSION_OPENED_ACTION, TOKEN_REFUSED_ACTION, ALERT_ACTION, ROLE_CHANGED_ACTION, REVIEWED_ACTION,
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
