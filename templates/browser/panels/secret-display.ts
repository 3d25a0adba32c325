import { optional, required } from './dom.ts';
import { say, type PanelConfig } from './panel-config.ts';
import { reveal } from './reveal.ts';
import { showRevealed } from './reveal-button.ts';

/**
 * The reveal button of an entry: shows its password, and its notes and
 * current TOTP code with the seconds it has left; pressed again, hides them.
 */
export async function toggleSecret(cfg: PanelConfig, button: Element, id: string): Promise<void> {
  const slot = required(cfg.panel, `[data-lk-secret-for="${CSS.escape(id)}"]`, HTMLElement);
  const details = optional(cfg.panel, `[data-lk-details-for="${CSS.escape(id)}"]`, HTMLElement);
  if (button.getAttribute('aria-pressed') === 'true') {
    slot.textContent = '••••••••';
    if (details) details.hidden = true;
    showRevealed(cfg, button, false);
    return;
  }
  const secrets = await reveal(cfg, id);
  slot.textContent = secrets.password ?? '';
  if (details) {
    required(details, '[data-lk-notes-for]', HTMLElement).textContent = secrets.notes ?? '';
    required(details, '[data-lk-totp-for]', HTMLElement).textContent = secrets.totpCode
      ? say(cfg, 'totpCode', { code: secrets.totpCode, seconds: secrets.totpSecondsLeft ?? '' }) : '';
    details.hidden = !(secrets.notes || secrets.totpCode);
  }
  showRevealed(cfg, button, true);
}
