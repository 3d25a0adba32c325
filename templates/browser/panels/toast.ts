import type { PanelConfig } from './panel-config.ts';

const hideTimers = new WeakMap<Element, ReturnType<typeof setTimeout>>();

/** Shows `text` in the panel's status line for four seconds. */
export function toast(cfg: PanelConfig, text: string): void {
  const box = cfg.panel.querySelector('[data-lk-toast]');
  if (!box) return;
  box.textContent = text;
  box.classList.add('lk-visible');
  clearTimeout(hideTimers.get(box));
  hideTimers.set(box, setTimeout(() => box.classList.remove('lk-visible'), 4000));
}
