import { fieldOf } from './dom.ts';

/** Whose second factor a manager resets: the staff member chosen, else the client (and contact) typed. */
export function stepUpResetPayload(form: HTMLFormElement): Record<string, string> {
  const value = (name: string) => fieldOf(form, name)?.value.trim() ?? '';
  if (value('adminId')) return { adminId: value('adminId') };
  return value('contactId') ? { clientId: value('clientId'), contactId: value('contactId') } : { clientId: value('clientId') };
}
