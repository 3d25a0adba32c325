import { call } from './api-client.ts';
import type { PanelConfig } from './panel-config.ts';

/** What revealing an entry answers. */
export interface Secrets {
  password?: string | null;
  notes?: string | null;
  totpCode?: string | null;
  totpSecondsLeft?: number;
}

// A double click (or two reveal buttons of one entry) shares one request, and so one audit line.
const pending = new Map<string, Promise<Secrets>>();

/** The entry's secrets, asked for once however many clicks ask within a second. */
export async function reveal(cfg: PanelConfig, id: string): Promise<Secrets> {
  let answer = pending.get(id);
  if (!answer) {
    answer = call<Secrets>(cfg, 'POST', `/entries/${encodeURIComponent(id)}/reveal`, {});
    pending.set(id, answer);
  }
  try {
    return await answer;
  } finally {
    setTimeout(() => pending.delete(id), 1000);
  }
}
