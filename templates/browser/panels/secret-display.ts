import { optional, required } from './dom.ts';
import type { PanelConfig } from './panel-config.ts';
import { reveal } from './reveal.ts';
import { showRevealed } from './reveal-button.ts';
import { showTotp } from './totp-countdown.ts';

// What to stop when a reveal is hidden, by its button: the TOTP count and the hide timer.
const stopShowing = new WeakMap<Element, () => void>();

/**
 * The reveal button of an entry: shows its password, and its notes and
 * current TOTP code counting down to the next; pressed again, or once the
 * panel's reveal time has passed, hides them.
 */
export async function toggleSecret(cfg: PanelConfig, button: Element, id: string): Promise<void> {
  if (button.getAttribute('aria-pressed') === 'true') {
    hideSecret(cfg, button, id);
    return;
  }
  const secrets = await reveal(cfg, id);
  required(cfg.panel, `[data-lk-secret-for="${CSS.escape(id)}"]`, HTMLElement).textContent = secrets.password ?? '';
  const details = optional(cfg.panel, `[data-lk-details-for="${CSS.escape(id)}"]`, HTMLElement);
  let stopTotp = () => {};
  if (details) {
    required(details, '[data-lk-notes-for]', HTMLElement).textContent = secrets.notes ?? '';
    const totp = required(details, '[data-lk-totp-for]', HTMLElement);
    totp.textContent = '';
    if (secrets.totpCode) stopTotp = showTotp(cfg, id, totp, { code: secrets.totpCode, secondsLeft: secrets.totpSecondsLeft ?? 0 });
    details.hidden = !(secrets.notes || secrets.totpCode);
  }
  showRevealed(cfg, button, true);
  const hideTimer = cfg.revealHideSeconds > 0 ? setTimeout(() => hideSecret(cfg, button, id), cfg.revealHideSeconds * 1000) : undefined;
  stopShowing.get(button)?.();
  stopShowing.set(button, () => {
    stopTotp();
    clearTimeout(hideTimer);
  });
}

/** Puts the entry's password back behind dots and takes its notes and TOTP code off the page. */
function hideSecret(cfg: PanelConfig, button: Element, id: string): void {
  stopShowing.get(button)?.();
  stopShowing.delete(button);
  required(cfg.panel, `[data-lk-secret-for="${CSS.escape(id)}"]`, HTMLElement).textContent = '••••••••';
  const details = optional(cfg.panel, `[data-lk-details-for="${CSS.escape(id)}"]`, HTMLElement);
  if (details) {
    details.hidden = true;
    required(details, '[data-lk-notes-for]', HTMLElement).textContent = '';
    required(details, '[data-lk-totp-for]', HTMLElement).textContent = '';
  }
  showRevealed(cfg, button, false);
}
