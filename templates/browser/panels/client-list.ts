import { all, required } from './dom.ts';
import { fill } from './placeholders.ts';
import type { PickerHit } from './search-picker.ts';

/**
 * `[data-lk-client-list]` (templates/partials/id-pick-list.hbs): clients or contacts
 * chosen by name, shown as chips with a remove button; its hidden
 * `data-lk-id-list` field holds their ids for the form.
 */
export function addToClientList(box: HTMLElement, hit: PickerHit): void {
  const chips = required(box, '[data-lk-client-chips]', HTMLUListElement);
  if (!all(chips, 'li', HTMLElement).some((li) => li.dataset.id === hit.id)) {
    const chip = document.createElement('li');
    chip.className = 'lk-chip';
    chip.dataset.id = hit.id;
    chip.dataset.name = hit.name;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'lk-chip-remove';
    remove.dataset.lkClientRemove = '';
    remove.setAttribute('aria-label', fill(box.dataset.lkRemoveLabel ?? '', { name: hit.name }));
    remove.textContent = '×';
    chip.append(`${hit.name} `, remove);
    chips.append(chip);
  }
  update(box, fill(box.dataset.lkAdded ?? '', { name: hit.name }));
}

/** A chip's remove button: the client leaves the list; the focus goes to the next chip, else to the picker. */
export function removeFromClientList(button: HTMLElement): void {
  const box = button.closest('[data-lk-client-list]');
  const chip = button.closest('li');
  if (!(box instanceof HTMLElement) || !(chip instanceof HTMLElement)) return;
  const next = chip.nextElementSibling ?? chip.previousElementSibling;
  chip.remove();
  update(box, fill(box.dataset.lkRemoved ?? '', { name: chip.dataset.name ?? '' }));
  const target = next?.querySelector('button') ?? box.querySelector('input[role=combobox]');
  if (target instanceof HTMLElement) target.focus();
}

function update(box: HTMLElement, said: string): void {
  const ids = all(required(box, '[data-lk-client-chips]', HTMLUListElement), 'li', HTMLElement).map((li) => li.dataset.id ?? '');
  required(box, 'input[data-lk-id-list]', HTMLInputElement).value = ids.join(', ');
  required(box, '[data-lk-client-list-empty]', HTMLElement).hidden = ids.length > 0;
  required(box, '[data-lk-client-list-status]', HTMLElement).textContent = said;
}
