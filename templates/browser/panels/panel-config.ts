import type { DateFormat } from '../../../core/render/date-format.ts';
import { enclosing } from './dom.ts';

/** What a panel tells its script in `data-lk-*` attributes. */
export interface PanelConfig {
  panel: HTMLElement;
  /** The JSON API's base URL. */
  api: string;
  csrf: string;
  /** Seconds before a copied secret is wiped from the clipboard. */
  clearSeconds: number;
  /** Seconds a revealed password stays shown before the panel hides it again; 0 never. */
  revealHideSeconds: number;
  /** The panel's strings, by key, in the panel's language. */
  strings: Record<string, string>;
  /** What a new entry starts with (the client or ticket the panel is about). */
  defaults: Record<string, unknown>;
  /** `admin` or `client`. */
  actor: string;
  /** The language the panel is shown in. */
  language: string;
  /** How the host writes dates (the server's pages write them the same way). */
  dateFormat: DateFormat;
  /** Which panel this is (`ticket`, `summary`, `clientarea`, `admin-…`): the audit trail says where things were done. */
  place: string;
}

/** The configuration of the panel `el` is in. */
export function configOf(el: Element): PanelConfig {
  const panel = enclosing(el, '[data-lk-api]', HTMLElement);
  return {
    panel,
    api: panel.dataset.lkApi ?? '',
    csrf: panel.dataset.lkCsrf ?? '',
    clearSeconds: Number(panel.dataset.lkClear || '30'),
    revealHideSeconds: Number(panel.dataset.lkHide || '30'),
    strings: JSON.parse(panel.dataset.lkI18n || '{}') as Record<string, string>,
    defaults: JSON.parse(panel.dataset.lkDefaults || '{}') as Record<string, unknown>,
    actor: panel.dataset.lkActor ?? '',
    language: panel.dataset.lkLanguage ?? '',
    dateFormat: (JSON.parse(panel.dataset.lkDates || 'null') ?? {}) as DateFormat,
    place: panel.dataset.lkPlace ?? '',
  };
}

/** The panel's string `key` with each `{{name}}` replaced; the key itself when the panel lacks it. */
export function say(cfg: PanelConfig, key: string, values: Record<string, string | number> = {}): string {
  let text = cfg.strings[key] || key;
  for (const [name, value] of Object.entries(values)) text = text.split(`{{${name}}}`).join(String(value));
  return text;
}
