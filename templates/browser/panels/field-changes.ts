import { call, messageOf } from './api-client.ts';
import { startClientPicker } from './client-picker.ts';
import { enclosing, fieldOf } from './dom.ts';
import { setReminderMode } from './entry-dialog.ts';
import { noteMailFieldFocus, schedulePreview, showMailEditor, showMailState } from './mail-templates.ts';
import { configOf } from './panel-config.ts';
import { showStrength } from './password-strength.ts';
import { toast } from './toast.ts';
import { toggleWatch } from './watch.ts';

/** Typing in a mail template updates its badge and preview; a number of reminder days picks "every … days". */
export function onPanelInput(event: Event): void {
  const field = event.target;
  if (!(field instanceof Element)) return;
  if (field.matches('[data-lk-mail-field]')) {
    showMailState(enclosing(field, '[data-lk-mail-editor]', HTMLElement));
    schedulePreview(enclosing(field, '[data-lk-mail-templates]', HTMLElement));
  } else if (field instanceof HTMLInputElement && field.form && field.matches('[data-lk-entry-form] input[name="reminderDays"]')) {
    setReminderMode(field.form, 'every');
  } else if (field instanceof HTMLInputElement && field.form && field.matches('[data-lk-entry-form] [data-lk-password-input]')) {
    showStrength(configOf(field), field.form);
  }
}

/** Focus starts a client picker the first time, and tells the mail editor where a token goes. */
export function onPanelFocus(event: FocusEvent): void {
  const target = event.target;
  if (!(target instanceof Element)) return;
  const picker = target.closest('[data-lk-client-picker], [data-lk-search-picker]');
  if (picker instanceof HTMLElement && picker.closest('[data-lk-api]')) startClientPicker(picker);
  if (target.matches('[data-lk-mail-field]')) noteMailFieldFocus(target);
}

/** Watch toggles, the reminder mode, the mail editor's selects and the language switcher act on change. */
export async function onPanelChange(event: Event): Promise<void> {
  const select = event.target;
  if (select instanceof HTMLInputElement && select.matches('[data-lk-watch]')) {
    await toggleWatch(select);
    return;
  }
  if (select instanceof HTMLInputElement && select.form && select.matches('[data-lk-entry-form] input[name="reminderMode"][value="every"]')) {
    fieldOf(select.form, 'reminderDays')?.focus();
    return;
  }
  if (select instanceof HTMLInputElement && select.name === 'includePasswordInChangeMail') {
    const box = select.form && select.form.querySelector('[data-lk-mail-templates]');
    if (box) schedulePreview(box, 0);
    return;
  }
  if (select instanceof HTMLSelectElement && (select.matches('[data-lk-mail-kind]') || select.matches('[data-lk-mail-language]'))) {
    showMailEditor(enclosing(select, '[data-lk-mail-templates]', HTMLElement));
    return;
  }
  if (!(select instanceof HTMLSelectElement) || !select.matches('[data-lk-language]')) return;
  const cfg = configOf(select);
  try {
    await call(cfg, 'POST', '/language', { language: select.value });
    location.reload();
  } catch (error) {
    toast(cfg, messageOf(error));
  }
}
