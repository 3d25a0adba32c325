import { dateWriter } from '../../../core/render/date-format.ts';
import { call } from './api-client.ts';
import { required } from './dom.ts';
import { say, type PanelConfig } from './panel-config.ts';

/** A former password of an entry, as `/history` lists it (without the password). */
interface HistoryItem {
  id: string;
  version: number;
  changedAt: string;
}

/** Lists an entry's former passwords, each revealed (and audited) only when its button is pressed. */
export async function openHistory(cfg: PanelConfig, id: string, name: string): Promise<void> {
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
    list.append(li);
  }
  dialog.showModal();
}
