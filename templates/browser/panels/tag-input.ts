// The entry dialog's tags: typed text becomes a chip on Enter or a comma, a
// chip's × takes it away, Backspace in the empty box takes the last one. The
// chips are the field's value; the server normalises them (case, spaces).
import { all, optional } from './dom.ts';
import { say, type PanelConfig } from './panel-config.ts';

const MAX_TAG_LENGTH = 40;

/** The tags the form's chips hold, with what is still typed in the box. */
export function tagsOf(form: HTMLFormElement): string[] | undefined {
  const box = optional(form, '[data-lk-tag-input]', HTMLElement);
  if (!box) return undefined;
  const chips = all(box, '[data-lk-tag-chip]', HTMLElement).map((chip) => chip.dataset.lkTagChip ?? '');
  const typed = optional(box, '[data-lk-tag-typed]', HTMLInputElement)?.value.trim() ?? '';
  return typed === '' || chips.some((tag) => sameTag(tag, typed)) ? chips : [...chips, typed];
}

/** Shows exactly these tags as chips, with an empty box. */
export function showTags(cfg: PanelConfig, form: HTMLFormElement, tags: readonly string[]): void {
  const box = optional(form, '[data-lk-tag-input]', HTMLElement);
  if (!box) return;
  for (const chip of all(box, '[data-lk-tag-chip]', HTMLElement)) chip.remove();
  const typed = optional(box, '[data-lk-tag-typed]', HTMLInputElement);
  if (typed) typed.value = '';
  for (const tag of tags) addChip(cfg, box, tag);
}

/** Enter or a comma in the box makes a chip; Backspace in the empty box removes the last chip. */
export function onTagKey(cfg: PanelConfig, input: HTMLInputElement, event: KeyboardEvent): void {
  const box = input.closest('[data-lk-tag-input]');
  if (!(box instanceof HTMLElement)) return;
  if (event.key === 'Enter' || event.key === ',') {
    event.preventDefault();
    const tag = input.value.trim().replace(/\s+/g, ' ');
    if (tag !== '') addChip(cfg, box, tag);
    input.value = '';
  } else if (event.key === 'Backspace' && input.value === '') {
    all(box, '[data-lk-tag-chip]', HTMLElement).at(-1)?.remove();
  }
}

/** The × of a chip. */
export function removeChip(button: HTMLElement): void {
  button.closest('[data-lk-tag-chip]')?.remove();
}

function addChip(cfg: PanelConfig, box: HTMLElement, raw: string): void {
  const tag = raw.slice(0, MAX_TAG_LENGTH);
  const list = optional(box, '[data-lk-tag-chips]', HTMLElement);
  if (!list || all(list, '[data-lk-tag-chip]', HTMLElement).some((chip) => sameTag(chip.dataset.lkTagChip ?? '', tag))) return;
  const chip = document.createElement('li');
  chip.className = 'lk-tag';
  chip.dataset.lkTagChip = tag;
  chip.append(document.createTextNode(tag));
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'lk-tag-remove';
  remove.dataset.lkTagRemove = '';
  remove.setAttribute('aria-label', say(cfg, 'tagRemove', { tag }));
  remove.textContent = '×';
  chip.append(remove);
  list.append(chip);
}

function sameTag(a: string, b: string): boolean {
  return a.toLocaleLowerCase() === b.toLocaleLowerCase();
}
