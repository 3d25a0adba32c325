import { dateWriter } from '../../../core/render/date-format.ts';
import { call } from './api-client.ts';
import { required } from './dom.ts';
import { askToConfirm } from './confirm-dialog.ts';
import { say, type PanelConfig } from './panel-config.ts';
import { fill } from './placeholders.ts';

/** A former password of an entry, as `/history` lists it (without the password). */
interface HistoryItem {
  id: string;
  version: number;
  changedAt: string;
}

/**
 * Lists an entry's former passwords, each revealed (and audited) only when its
 * button is pressed. With `version` (the entry's, for those who may edit it)
 * each can be restored as the current password, once confirmed.
 */
export async function openHistory(cfg: PanelConfig, id: string, name: string, version?: number): Promise<void> {
  const dialog = required(cfg.panel, '[data-lk-history-dialog]', HTMLDialogElement);
  required(dialog, 'h2', HTMLElement).textContent = say(cfg, 'historyTitle', { name });
  const list = required(dialog, '[data-lk-history-list]', HTMLElement);
  const template = required(dialog, '[data-lk-history-item]', HTMLTemplateElement);
  list.replaceChildren();
  const items = await call<HistoryItem[]>(cfg, 'GET', `/entries/${encodeURIComponent(id)}/history`);
  required(dialog, '[data-lk-history-empty]', HTMLElement).hidden = items.length > 0;
  // In the panel's language and the host's date format, as the pages around it write dates (not the browser's own way).
  const when = dateWriter(cfg.language, cfg.dateFormat);
  for (const item of items) {
    const li = template.content.firstElementChild?.cloneNode(true);
    if (!(li instanceof Element)) throw new Error('latchkey: the history item template is empty');
    required(li, '[data-lk-history-when]', HTMLElement).textContent = `${say(cfg, 'version', { version: item.version })} · ${when(new Date(item.changedAt))}`;
    const button = required(li, '[data-lk-history-reveal]', HTMLElement);
    button.addEventListener('click', async () => {
      const result = await call<{ password: string }>(cfg, 'POST', `/entries/${encodeURIComponent(id)}/history/${encodeURIComponent(item.id)}/reveal`, {});
      required(li, '[data-lk-history-secret]', HTMLElement).textContent = result.password;
      button.remove();
    });
    const restore = required(li, '[data-lk-history-restore]', HTMLElement);
    if (version === undefined) restore.remove();
    else {
      restore.hidden = false;
      restore.addEventListener('click', () => confirmRestore(cfg, dialog, id, item, version));
    }
    list.append(li);
  }
  dialog.showModal();
}

/** Asks before a former password becomes the current one; the entry's version guards against a change made meanwhile. */
function confirmRestore(cfg: PanelConfig, history: HTMLDialogElement, id: string, item: HistoryItem, version: number): void {
  askToConfirm(cfg, (dialog) => {
    required(dialog, 'h2', HTMLElement).textContent = history.dataset.lkRestoreTitle ?? '';
    required(dialog, '[data-lk-confirm-text]', HTMLElement).textContent = fill(history.dataset.lkRestoreText ?? '', { version: String(item.version) });
    required(dialog, 'button[type=submit]', HTMLElement).textContent = history.dataset.lkRestoreButton ?? '';
  }, async () => {
    await call(cfg, 'POST', `/entries/${encodeURIComponent(id)}/history/${encodeURIComponent(item.id)}/restore`, { version });
    history.close();
  });
}
