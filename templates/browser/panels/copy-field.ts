import { call } from './api-client.ts';
import { copyText } from './clipboard.ts';
import type { PanelConfig } from './panel-config.ts';

/** The fields a copy button can name (`data-lk-field`); a button naming none copies the password. */
const FIELDS = ['username', 'password', 'totp', 'notes'] as const;
type Field = (typeof FIELDS)[number];

/** What copying one field answers. */
interface Copied {
  value: string;
}

/**
 * Copies one field of an entry. The server hands out that field alone (a
 * TOTP as its current code) and audits it as a copy, not a reveal.
 */
export async function copyField(cfg: PanelConfig, id: string, field: string | undefined): Promise<void> {
  const chosen: Field = (FIELDS as readonly string[]).includes(field ?? '') ? field as Field : 'password';
  const copied = await call<Copied>(cfg, 'POST', `/entries/${encodeURIComponent(id)}/copy`, { field: chosen });
  await copyText(cfg, copied.value);
}
