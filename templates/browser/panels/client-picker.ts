import { call } from './api-client.ts';
import { all, required } from './dom.ts';
import { configOf } from './panel-config.ts';
import { fill } from './placeholders.ts';

/** A client as `/clients?search=` lists it; other searches may add a word that tells like-named ones apart. */
interface FoundClient {
  id: string;
  name: string;
  detail?: string;
}

const started = new WeakSet<Element>();

/**
 * `[data-lk-client-picker]` holds a combobox input and its listbox: typing
 * part of a client's name or email (two characters or more) asks
 * `/clients?search=` and lists the answer; ↓/↑ move through it, Enter or a
 * click picks (the input then shows the name and the form sends the id, as
 * `data-lk-picked-id`), Escape closes. Anything typed afterwards, a pasted
 * id say, is sent as typed. Started on the box's first focus.
 *
 * `data-lk-search` asks another search of the same shape (the audit page's
 * people and entries); a `[data-lk-picked-value]` field in the box holds the
 * id picked for a plain GET form, and empties as soon as the text changes.
 */
export function startClientPicker(box: HTMLElement): void {
  if (started.has(box)) return;
  started.add(box);
  const cfg = configOf(box);
  const input = required(box, 'input[role=combobox]', HTMLInputElement);
  const list = required(box, '[role=listbox]', HTMLElement);
  const status = required(box, '[data-lk-picker-status]', HTMLElement);
  const pickedValue = box.querySelector('[data-lk-picked-value]');
  const searchPath = box.dataset.lkSearch || '/clients?search=';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  let active = -1;
  const options = () => all(list, '[role=option]', HTMLElement);
  const close = () => {
    clearTimeout(timer);
    list.hidden = true;
    list.replaceChildren();
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
  const show = (clients: FoundClient[]) => {
    list.replaceChildren(...clients.map((client, i) => {
      const option = document.createElement('li');
      option.id = `${list.id}-${i}`;
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', 'false');
      option.dataset.id = client.id;
      option.dataset.name = client.name;
      const name = document.createElement('span');
      name.textContent = client.name;
      const id = document.createElement('span');
      id.className = 'lk-muted';
      id.textContent = client.detail ?? client.id;
      option.append(name, id);
      return option;
    }));
    active = -1;
    list.hidden = clients.length === 0;
    input.setAttribute('aria-expanded', String(clients.length > 0));
    input.removeAttribute('aria-activedescendant');
    status.textContent = clients.length === 0 ? (box.dataset.lkNone ?? '') : fill(box.dataset.lkFound ?? '', { number: String(clients.length) });
  };
  const search = () => {
    delete input.dataset.lkPickedId;
    if (pickedValue instanceof HTMLInputElement) pickedValue.value = '';
    const text = input.value.trim();
    const question = ++asked;
    close();
    if (text.length < 2) {
      status.textContent = '';
      return;
    }
    timer = setTimeout(async () => {
      try {
        const clients = await call<FoundClient[]>(cfg, 'GET', `${searchPath}${encodeURIComponent(text.slice(0, 100))}`);
        if (question === asked && document.activeElement === input) show(clients);
      } catch {
        if (question === asked) close();
      }
    }, 200);
  };
  const pick = (option: HTMLElement) => {
    const name = option.dataset.name ?? '';
    const id = option.dataset.id ?? '';
    input.value = name;
    input.dataset.lkPickedId = id;
    if (pickedValue instanceof HTMLInputElement) pickedValue.value = id;
    asked += 1;
    close();
    status.textContent = fill(box.dataset.lkPicked ?? '', { name, id });
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
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
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
