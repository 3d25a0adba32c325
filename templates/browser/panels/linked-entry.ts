/**
 * A reminder links to the host page that shows the entry, with
 * `#lk-entry-<id>` (core's entryFragment): the panel scrolls to that entry,
 * marks it, and opens its edit dialog where the stored password is updated
 * (for those who may edit it; the others see it marked).
 */
export function openLinkedEntry(): void {
  const match = /^#lk-entry-(.+)$/.exec(location.hash);
  if (match) openEntry(decodeURIComponent(match[1]!));
}

/**
 * In a frame the fragment is on the host's page, which the frame cannot read:
 * the host's script beside the iframe (WHMCS's Bridge::autoHeightScript)
 * passes it on as `{ type: 'latchkey:open-entry', id }`. Only the parent may
 * ask, and only to open an entry this panel already lists.
 */
export function openEntryTheParentNames(): void {
  if (window.parent === window) return;
  let opened = false;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (opened || event.source !== window.parent) return;
    const data = event.data as { type?: unknown; id?: unknown } | null;
    if (typeof data !== 'object' || data === null || data.type !== 'latchkey:open-entry' || typeof data.id !== 'string') return;
    opened = openEntry(data.id);
  });
}

function openEntry(id: string): boolean {
  const row = [...document.querySelectorAll('[data-lk-api] [data-lk-row]')].find((el) => el instanceof HTMLElement && el.dataset.lkRow === id);
  if (!(row instanceof HTMLElement)) return false;
  row.classList.add('lk-target');
  row.scrollIntoView({ block: 'center' });
  const edit = row.querySelector('[data-lk-edit]');
  if (edit instanceof HTMLElement) edit.click();
  return true;
}
