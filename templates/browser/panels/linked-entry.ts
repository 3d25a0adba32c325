/**
 * A reminder links to the host page that shows the entry, with
 * `#lk-entry-<id>` (core's entryFragment): the panel scrolls to that entry,
 * marks it, and opens its edit dialog where the stored password is updated
 * (for those who may edit it; the others see it marked).
 */
export function openLinkedEntry(): void {
  const match = /^#lk-entry-(.+)$/.exec(location.hash);
  if (!match) return;
  const id = decodeURIComponent(match[1]!);
  const row = [...document.querySelectorAll('[data-lk-api] [data-lk-row]')].find((el) => el instanceof HTMLElement && el.dataset.lkRow === id);
  if (!(row instanceof HTMLElement)) return;
  row.classList.add('lk-target');
  row.scrollIntoView({ block: 'center' });
  const edit = row.querySelector('[data-lk-edit]');
  if (edit instanceof HTMLElement) edit.click();
}
