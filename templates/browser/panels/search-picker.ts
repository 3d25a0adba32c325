import { ApiError, call } from './api-client.ts';
import { all, required } from './dom.ts';
import { configOf, say, type PanelConfig } from './panel-config.ts';
import { fill } from './placeholders.ts';

/** Something a picker offers: one item of what its source answers. */
export interface PickerHit {
  id: string;
  name: string;
  /** What the hit is (`admin`, `admin_role`, `client`, `contact`…): the box's `data-lk-kind-<kind>` names it. */
  kind?: string;
  /** A second line, e.g. an email; else the kind's name, else the id. */
  detail?: string | null;
}

/** What a source answers: a bare list (as `/clients` does), or a page that may say more follow. */
type PickerAnswer = PickerHit[] | { items: PickerHit[]; more: boolean };

/** The event a pick sends up from the box: `detail` is the hit picked. */
export const PICK_EVENT = 'lk-pick';

const started = new WeakSet<Element>();

/**
 * What a failed look-up tells the user: the server's own refusal (a 503
 * while the host platform is away says so, already in the user's
 * language), else a generic "try again". A body that is not the API's JSON
 * (a proxy's error page, a dropped connection) is never shown.
 */
export function lookupFailure(cfg: PanelConfig, error: unknown): string {
  return error instanceof ApiError && error.code ? error.message : say(cfg, 'searchFailed');
}

/**
 * Puts `text` on the picker's status line: read out always, and shown under
 * the input as well when it says the search failed, since someone who sees
 * the list stay shut needs to know why.
 */
export function setPickerStatus(box: HTMLElement, text: string, failed = false): void {
  const status = required(box, '[data-lk-picker-status]', HTMLElement);
  status.textContent = text;
  status.classList.toggle('lk-sr', !failed);
  status.classList.toggle('lk-picker-failure', failed);
}

/**
 * A search-as-you-type picker (the WAI-ARIA combobox with a listbox popup),
 * one component for every "choose someone by name" field.
 *
 * Markup (see templates/partials/search-picker.hbs):
 *
 *     <div class="lk-combobox" data-lk-search-picker data-lk-source="/clients" data-lk-mode="single"
 *          data-lk-none="No match" data-lk-found="{number} found" data-lk-picked="{name} chosen"
 *          data-lk-more="Show more" data-lk-kind-admin="Staff">
 *       <input role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="ID">
 *       <ul class="lk-listbox" id="ID" role="listbox" hidden></ul>
 *       <p class="lk-sr" data-lk-picker-status role="status"></p>
 *     </div>
 *
 * Typing two characters or more asks `GET <data-lk-source>` with
 * `search=<text>` added (and `offset=<n>` when paging on); the source
 * answers PickerHit[] or `{ items, more }`. When `more` is true the list
 * ends in a "Show more" option that appends the next page. ↓/↑ move through
 * the list, Enter or a click picks, Escape closes; the input keeps the focus
 * throughout (aria-activedescendant).
 *
 * A pick sends PICK_EVENT (a bubbling CustomEvent<PickerHit>) from the box.
 * In `single` mode (the default) the input then shows the name and holds the
 * id as `data-lk-picked-id` (forms send that; text typed afterwards, a pasted
 * id say, is sent as typed). In `add` mode the input empties for the next
 * pick: the listener keeps the hits (the share dialog's grant list).
 *
 * A search that fails shows why under the input (setPickerStatus) until
 * the next search answers or the input is emptied.
 *
 * A `[data-lk-picked-value]` hidden field in the box holds the id picked, for
 * plain GET forms.
 *
 * `data-lk-source` may change while the page lives (the share dialog points it
 * at the entry it opens); started on the box's first focus.
 */
export function startSearchPicker(box: HTMLElement): void {
  if (started.has(box)) return;
  started.add(box);
  const cfg = configOf(box);
  const input = required(box, 'input[role=combobox]', HTMLInputElement);
  const list = required(box, '[role=listbox]', HTMLElement);
  const adding = box.dataset.lkMode === 'add';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  let active = -1;
  let shown: PickerHit[] = [];
  const options = () => all(list, '[role=option]', HTMLElement);
  const close = () => {
    clearTimeout(timer);
    list.hidden = true;
    list.replaceChildren();
    shown = [];
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (index: number) => {
    const found = options();
    active = found.length === 0 ? -1 : (index + found.length) % found.length;
    found.forEach((option, i) => option.setAttribute('aria-selected', String(i === active)));
    const current = found[active];
    if (!current) input.removeAttribute('aria-activedescendant');
    else {
      input.setAttribute('aria-activedescendant', current.id);
      current.scrollIntoView({ block: 'nearest' });
    }
  };
  const optionOf = (hit: PickerHit, index: number): HTMLElement => {
    const option = document.createElement('li');
    option.id = `${list.id}-${index}`;
    option.setAttribute('role', 'option');
    option.setAttribute('aria-selected', 'false');
    option.dataset.index = String(index);
    const name = document.createElement('span');
    name.textContent = hit.name;
    const detail = document.createElement('span');
    detail.className = 'lk-muted';
    detail.textContent = hit.detail || (hit.kind ? box.getAttribute(`data-lk-kind-${hit.kind}`) : null) || hit.id;
    option.append(name, detail);
    return option;
  };
  const show = (hits: PickerHit[], more: boolean, keepActive: boolean) => {
    shown = hits;
    const rows = hits.map(optionOf);
    if (more) {
      const next = document.createElement('li');
      next.id = `${list.id}-more`;
      next.setAttribute('role', 'option');
      next.setAttribute('aria-selected', 'false');
      next.dataset.lkMoreOption = '';
      next.className = 'lk-listbox-more';
      next.textContent = box.dataset.lkMore ?? '…';
      rows.push(next);
    }
    list.replaceChildren(...rows);
    list.hidden = rows.length === 0;
    input.setAttribute('aria-expanded', String(rows.length > 0));
    if (keepActive && active >= 0) highlight(Math.min(active, hits.length - 1));
    else {
      active = -1;
      input.removeAttribute('aria-activedescendant');
    }
    setPickerStatus(box, hits.length === 0 ? (box.dataset.lkNone ?? '') : fill(box.dataset.lkFound ?? '', { number: String(hits.length) }));
  };
  const failed = (error: unknown) => {
    close();
    setPickerStatus(box, lookupFailure(cfg, error), true);
  };
  const ask = async (text: string, offset: number): Promise<{ items: PickerHit[]; more: boolean }> => {
    const source = box.dataset.lkSource ?? '/clients';
    const query = `search=${encodeURIComponent(text.slice(0, 100))}${offset > 0 ? `&offset=${offset}` : ''}`;
    const answer = await call<PickerAnswer>(cfg, 'GET', `${source}${source.includes('?') ? '&' : '?'}${query}`);
    return Array.isArray(answer) ? { items: answer, more: false } : answer;
  };
  // A plain GET form (the audit filters) sends the id picked from a hidden field, emptied as soon as the text changes.
  const pickedValue = box.querySelector('[data-lk-picked-value]');
  const search = () => {
    delete input.dataset.lkPickedId;
    if (pickedValue instanceof HTMLInputElement) pickedValue.value = '';
    const text = input.value.trim();
    const question = ++asked;
    close();
    if (text.length < 2) {
      setPickerStatus(box, '');
      return;
    }
    timer = setTimeout(async () => {
      try {
        const page = await ask(text, 0);
        if (question === asked && document.activeElement === input) show(page.items, page.more, false);
      } catch (error) {
        if (question === asked) failed(error);
      }
    }, 200);
  };
  const showMore = async () => {
    const question = ++asked;
    const before = shown;
    try {
      const page = await ask(input.value.trim(), before.length);
      if (question === asked) show([...before, ...page.items], page.more, true);
    } catch (error) {
      if (question === asked) failed(error);
    }
  };
  const pick = (option: HTMLElement) => {
    if (option.dataset.lkMoreOption !== undefined) {
      void showMore();
      return;
    }
    const hit = shown[Number(option.dataset.index)];
    if (!hit) return;
    asked += 1;
    close();
    if (adding) input.value = '';
    else {
      input.value = hit.name;
      input.dataset.lkPickedId = hit.id;
      if (pickedValue instanceof HTMLInputElement) pickedValue.value = hit.id;
    }
    setPickerStatus(box, fill(box.dataset.lkPicked ?? '', { name: hit.name, id: hit.id }));
    box.dispatchEvent(new CustomEvent<PickerHit>(PICK_EVENT, { bubbles: true, detail: hit }));
  };
  input.addEventListener('input', search);
  input.addEventListener('keydown', (event) => {
    const open = !list.hidden;
    const highlighted = options()[active];
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && open) {
      event.preventDefault();
      const down = event.key === 'ArrowDown';
      highlight(active < 0 ? (down ? 0 : -1) : active + (down ? 1 : -1));
    } else if (event.key === 'ArrowDown' && !input.dataset.lkPickedId) {
      search();
    } else if (event.key === 'Enter' && open && highlighted) {
      event.preventDefault();
      pick(highlighted);
    } else if (event.key === 'Enter' && adding) {
      // Enter in an add-picker never submits the dialog around it.
      event.preventDefault();
    } else if (event.key === 'Escape' && open) {
      // Closes the list, not the dialog around it.
      event.preventDefault();
      event.stopPropagation();
      asked += 1;
      close();
    }
  });
  input.addEventListener('blur', () => {
    asked += 1;
    close();
  });
  // The input keeps the focus while an option is clicked.
  list.addEventListener('mousedown', (event) => event.preventDefault());
  list.addEventListener('click', (event) => {
    const option = event.target instanceof Element ? event.target.closest('[role=option]') : null;
    if (option instanceof HTMLElement) pick(option);
  });
}
