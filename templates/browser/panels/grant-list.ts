import { all, required } from './dom.ts';
import type { Principal } from './editable.ts';
import { fill } from './placeholders.ts';
import type { PickerHit } from './search-picker.ts';

/** How far a grant (or a category membership) reaches: view; edit too; edit and share (grants only). */
export type AccessLevel = 'view' | 'edit' | 'share';

/** Someone on the list, with the name shown. */
export interface ListedPrincipal extends Principal {
  name: string;
}

const started = new WeakSet<Element>();

/** The level a principal holds. */
export function levelOf(p: Pick<Principal, 'canEdit' | 'canShare'>): AccessLevel {
  return p.canShare ? 'share' : p.canEdit ? 'edit' : 'view';
}

/**
 * `[data-lk-grant-list]` (templates/partials/grant-list.hbs): who has access,
 * one row each (from its `<template data-lk-grant-row>`) with the name, what
 * it is, a level select and a Remove button. Replaces the rows with `people`.
 */
export function fillGrantList(box: HTMLElement, people: readonly ListedPrincipal[]): void {
  start(box);
  rowsOf(box).replaceChildren(...people.map((p) => rowFor(box, p)));
  showEmpty(box);
  required(box, '[data-lk-grant-status]', HTMLElement).textContent = '';
}

/** Adds the hit a picker chose, at the lowest level; someone already listed keeps their row, which takes the focus. */
export function addToGrantList(box: HTMLElement, hit: PickerHit): void {
  const status = required(box, '[data-lk-grant-status]', HTMLElement);
  const kind = hit.kind ?? 'client';
  const existing = all(rowsOf(box), 'li', HTMLElement).find((li) => li.dataset.kind === kind && li.dataset.id === hit.id);
  if (existing) {
    status.textContent = fill(box.dataset.lkAlready ?? '', { name: hit.name });
    required(existing, '[data-lk-grant-level]', HTMLSelectElement).focus();
    return;
  }
  rowsOf(box).append(rowFor(box, { kind, id: hit.id, name: hit.name, canEdit: false }));
  showEmpty(box);
  status.textContent = fill(box.dataset.lkAdded ?? '', { name: hit.name });
}

/** Everyone listed, each at the level chosen. */
export function grantListPrincipals(box: HTMLElement): Principal[] {
  return all(rowsOf(box), 'li', HTMLElement).map((li) => {
    const level = required(li, '[data-lk-grant-level]', HTMLSelectElement).value as AccessLevel;
    const principal: Principal = { kind: li.dataset.kind ?? '', id: li.dataset.id ?? '', canEdit: level !== 'view' };
    if (level === 'share') principal.canShare = true;
    return principal;
  });
}

function rowsOf(box: HTMLElement): HTMLElement {
  return required(box, '[data-lk-grant-rows]', HTMLElement);
}

function showEmpty(box: HTMLElement): void {
  required(box, '[data-lk-grant-empty]', HTMLElement).hidden = rowsOf(box).children.length > 0;
}

function rowFor(box: HTMLElement, p: ListedPrincipal): HTMLElement {
  const template = required(box, 'template[data-lk-grant-row]', HTMLTemplateElement);
  const row = required(template.content, 'li', HTMLElement).cloneNode(true) as HTMLElement;
  row.dataset.kind = p.kind;
  row.dataset.id = p.id;
  row.dataset.name = p.name;
  required(row, '[data-lk-grant-name]', HTMLElement).textContent = p.name;
  required(row, '[data-lk-grant-kind]', HTMLElement).textContent = box.getAttribute(`data-lk-kind-${p.kind}`) ?? '';
  const select = required(row, '[data-lk-grant-level]', HTMLSelectElement);
  select.setAttribute('aria-label', fill(box.dataset.lkLevelLabel ?? '', { name: p.name }));
  const level = levelOf(p);
  // A level this list does not offer (share, in a category) shows as the highest it does.
  select.value = [...select.options].some((o) => o.value === level) ? level : 'edit';
  required(row, '[data-lk-grant-remove]', HTMLButtonElement).setAttribute('aria-label', fill(box.dataset.lkRemoveLabel ?? '', { name: p.name }));
  return row;
}

/** Remove buttons act once per list, however often it is filled. */
function start(box: HTMLElement): void {
  if (started.has(box)) return;
  started.add(box);
  box.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('[data-lk-grant-remove]') : null;
    if (!(button instanceof HTMLButtonElement)) return;
    const row = button.closest('li');
    if (!(row instanceof HTMLElement)) return;
    // The focus moves to the next row, else the previous, else the picker, never lost with the row.
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    showEmpty(box);
    required(box, '[data-lk-grant-status]', HTMLElement).textContent = fill(box.dataset.lkRemoved ?? '', { name: row.dataset.name ?? '' });
    const target = next?.querySelector('[data-lk-grant-remove]') ?? box.closest('form')?.querySelector('input[role=combobox]');
    if (target instanceof HTMLElement) target.focus();
  });
}
