import { call } from './api-client.ts';
import { fieldOf, optional, required } from './dom.ts';
import { configOf } from './panel-config.ts';
import { lookupFailure, type PickerHit } from './search-picker.ts';

/** A page of contacts as `/clients/:clientId/contacts` lists them. */
interface ContactPage {
  items: Array<{ id: string; name: string }>;
  more: boolean;
}

/**
 * Whose second factor a manager resets: the staff member chosen, else the
 * client picked by name (the id it sends), and one of its contacts or the
 * client account itself.
 */
export function stepUpResetPayload(form: HTMLFormElement): Record<string, string> {
  const value = (name: string) => fieldOf(form, name)?.value.trim() ?? '';
  if (value('adminId')) return { adminId: value('adminId') };
  const picker = fieldOf(form, 'clientId');
  const picked = picker instanceof HTMLInputElement ? picker.dataset.lkPickedId : undefined;
  const clientId = picked ?? value('clientId');
  // The contact list belongs to the client picked: text typed since names another client, or none.
  return picked && value('contactId') ? { clientId, contactId: value('contactId') } : { clientId };
}

/** A client picked in the reset form: its contacts fill the contact list, by name. */
export async function showResetContacts(form: HTMLFormElement, client: PickerHit): Promise<void> {
  const select = required(form, '[data-lk-reset-contacts]', HTMLSelectElement);
  const account = optional(select, 'option[value=""]', HTMLOptionElement);
  select.replaceChildren(...(account ? [account] : []));
  select.disabled = true;
  for (let offset = 0, more = true; more;) {
    const page = await call<ContactPage>(configOf(form), 'GET', `/clients/${encodeURIComponent(client.id)}/contacts?limit=50&offset=${offset}`);
    for (const contact of page.items) select.add(new Option(contact.name, contact.id));
    offset += page.items.length;
    more = page.more && page.items.length > 0;
  }
  select.disabled = false;
}

/**
 * Listens for picks: a client picked in the reset form lists its contacts.
 * A failure leaves the client account alone chosen, and says why under the
 * contact list until a later pick lists them.
 */
export async function onResetPick(event: Event): Promise<void> {
  const form = event.target instanceof Element ? event.target.closest('form[data-lk-step-up-reset]') : null;
  if (!(form instanceof HTMLFormElement) || !(event instanceof CustomEvent)) return;
  const problem = required(form, '[data-lk-error-for="contactId"]', HTMLElement);
  try {
    await showResetContacts(form, event.detail as PickerHit);
    problem.textContent = '';
  } catch (error) {
    required(form, '[data-lk-reset-contacts]', HTMLSelectElement).disabled = true;
    problem.textContent = lookupFailure(configOf(form), error);
  }
}
