import { all, type FormField } from './dom.ts';
import { mailTemplatesPayload } from './mail-templates.ts';

type SettingsValue = string | number | boolean | null | string[] | SettingsObject;
interface SettingsObject {
  [key: string]: SettingsValue;
}

/**
 * The settings form as the settings API takes it: a field named `a.b` goes
 * to `{ a: { b } }`; check lists send the values checked, id lists the ids
 * typed, number fields a number (an empty one null where it may be, else as
 * typed so the server names it), and mail templates only the texts changed.
 */
export function settingsPayload(form: HTMLFormElement): SettingsObject {
  const out: SettingsObject = {};
  const put = (path: string, value: SettingsValue) => {
    const keys = path.split('.');
    let target = out;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      target = target[key] = next && typeof next === 'object' && !Array.isArray(next) ? next : {};
    }
    target[keys[keys.length - 1]!] = value;
  };
  for (const list of all(form, '[data-lk-list]', HTMLElement)) {
    put(list.dataset.lkList ?? '', all(list, 'input[type=checkbox]', HTMLInputElement).filter((b) => b.checked).map((b) => b.value));
  }
  const fields = [...form.querySelectorAll('[name]')].filter(
    (el): el is FormField => el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement,
  );
  for (const input of fields) {
    if (input.matches('[data-lk-mail-field]')) continue;
    if (input instanceof HTMLInputElement && input.type === 'checkbox') put(input.name, input.checked);
    else if (input.hasAttribute('data-lk-id-list')) put(input.name, input.value.split(/[\s,;]+/).filter(Boolean));
    else if (input.type === 'number') put(input.name, input.value.trim() === '' ? (input.hasAttribute('data-lk-null-empty') ? null : '') : Number(input.value));
    else put(input.name, input.value);
  }
  if (form.querySelector('[data-lk-mail-editor]')) out.mailTemplates = mailTemplatesPayload(form);
  return out;
}
