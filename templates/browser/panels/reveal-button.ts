import { say, type PanelConfig } from './panel-config.ts';

/**
 * Shows a reveal button's state: pressed, it reads "Hide". Its accessible
 * name ("Reveal the password of …", naming the entry) follows the visible
 * word, or a screen reader would still announce "Reveal" on a "Hide" button.
 */
export function showRevealed(cfg: PanelConfig, button: Element, revealed: boolean): void {
  if (!(button instanceof HTMLElement)) return;
  button.dataset.lkRevealLabel ??= button.getAttribute('aria-label') ?? '';
  const label = revealed ? button.dataset.lkHideLabel : button.dataset.lkRevealLabel;
  if (label) button.setAttribute('aria-label', label);
  else button.removeAttribute('aria-label');
  button.setAttribute('aria-pressed', String(revealed));
  button.textContent = say(cfg, revealed ? 'hide' : 'reveal');
}
