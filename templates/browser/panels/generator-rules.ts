// The rules the dialog's generator options hold (templates/partials/generator-options.hbs),
// as POST /password takes them; the server names any it refuses.
import { all } from './dom.ts';

export function generatorRules(form: HTMLFormElement): Record<string, string | number | boolean> {
  const rules: Record<string, string | number | boolean> = {};
  for (const field of all(form, '[data-lk-gen]', HTMLElement)) {
    const key = field.dataset.lkGen ?? '';
    if (field instanceof HTMLInputElement && field.type === 'checkbox') rules[key] = field.checked;
    else if (field instanceof HTMLInputElement && field.type === 'number') rules[key] = Number(field.value);
    else if (field instanceof HTMLSelectElement) rules[key] = field.value;
  }
  return rules;
}
