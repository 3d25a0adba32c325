import { all } from './dom.ts';
import type { Principal } from './editable.ts';

/**
 * Who the form's checkboxes name: each `view` box checked grants viewing,
 * each `edit` box checked grants editing too, each `share` box (grants only)
 * editing and sharing; the highest box checked wins.
 */
export function checkedPrincipals(form: HTMLFormElement, viewSelector: string, editSelector: string, shareSelector?: string): Principal[] {
  const chosen = new Map<string, Principal>();
  const levels: Array<[string, Pick<Principal, 'canEdit' | 'canShare'>]> = [[viewSelector, { canEdit: false }], [editSelector, { canEdit: true }]];
  if (shareSelector) levels.push([shareSelector, { canEdit: true, canShare: true }]);
  for (const [selector, level] of levels) {
    for (const box of all(form, selector, HTMLInputElement)) {
      const kind = box.dataset.kind ?? '';
      const id = box.dataset.id ?? '';
      if (box.checked) chosen.set(`${kind}:${id}`, { kind, id, ...level });
    }
  }
  return [...chosen.values()];
}

/** Checks the boxes of the principals given: view for each, edit for those who may edit. */
export function checkPrincipals(
  form: HTMLFormElement, principals: readonly Principal[], viewSelector: string, editSelector: string, shareSelector?: string,
): void {
  const byKey = new Map(principals.map((p) => [`${p.kind}:${p.id}`, p]));
  const keyOf = (box: HTMLInputElement) => `${box.dataset.kind}:${box.dataset.id}`;
  for (const box of all(form, viewSelector, HTMLInputElement)) box.checked = byKey.has(keyOf(box));
  for (const box of all(form, editSelector, HTMLInputElement)) box.checked = Boolean(byKey.get(keyOf(box))?.canEdit);
  if (shareSelector) for (const box of all(form, shareSelector, HTMLInputElement)) box.checked = Boolean(byKey.get(keyOf(box))?.canShare);
}
