import { all, enclosing } from './dom.ts';

// A section an adapter adds to the addon pages (`data-lk-addon="<section>"`):
// its forms and remove buttons post to `<api>/addon/<section>/<action>`.

/** The API path of `action` in the addon section `el` is in. */
export function addonPath(el: Element, action: string): string {
  const section = enclosing(el, '[data-lk-addon]', HTMLElement).dataset.lkAddon ?? '';
  return `/addon/${encodeURIComponent(section)}/${encodeURIComponent(action)}`;
}

/** The form's fields, by name; a client picker sends the id of the client picked. */
export function addonFormInput(form: HTMLFormElement): Record<string, string> {
  const input: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') input[name] = value;
  // A client picker shows the name of the client picked and sends its id (see client-picker.ts).
  for (const field of all(form, 'input[name][data-lk-picked-id]', HTMLInputElement)) input[field.name] = field.dataset.lkPickedId ?? '';
  return input;
}
