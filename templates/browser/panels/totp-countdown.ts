import { call, messageOf } from './api-client.ts';
import { say, type PanelConfig } from './panel-config.ts';
import { toast } from './toast.ts';

/** A TOTP code as the server computed it, with the seconds it had left then. */
export interface TotpShown {
  code: string;
  secondsLeft: number;
}

/**
 * Shows an entry's TOTP code in `slot` with the seconds it has left, counting
 * down each second; when the count reaches 0 the server is asked for the next
 * code (it holds the seed) and the count starts again. Counted from the
 * server's own "seconds left", so the browser's clock need not agree with it.
 * Returns what stops the count (the reveal was hidden).
 */
export function showTotp(cfg: PanelConfig, id: string, slot: HTMLElement, first: TotpShown): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let code = first.code;
  let endsAt = Date.now() + first.secondsLeft * 1000;

  const render = (left: number) => { slot.textContent = say(cfg, 'totpCode', { code, seconds: left }); };
  const tick = async () => {
    if (stopped) return;
    const left = Math.ceil((endsAt - Date.now()) / 1000);
    if (left > 0) {
      render(left);
      timer = setTimeout(() => void tick(), Math.min(1000, endsAt - (left - 1) * 1000 - Date.now()));
      return;
    }
    try {
      const next = await call<TotpShown>(cfg, 'POST', `/entries/${encodeURIComponent(id)}/totp`, {});
      if (stopped) return;
      code = next.code;
      endsAt = Date.now() + next.secondsLeft * 1000;
      void tick();
    } catch (error) {
      // A code past its time is of no use: it goes, and the person hears why.
      slot.textContent = '';
      toast(cfg, messageOf(error) || say(cfg, 'failed'));
    }
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
