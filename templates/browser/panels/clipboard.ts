import { say, type PanelConfig } from './panel-config.ts';
import { toast } from './toast.ts';

/** Copies `text`, and wipes the clipboard again after the panel's clear delay. */
export async function copyText(cfg: PanelConfig, text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast(cfg, say(cfg, 'copied', { seconds: cfg.clearSeconds }));
    setTimeout(() => {
      navigator.clipboard.writeText('').then(() => toast(cfg, say(cfg, 'clipboardCleared')), () => {});
    }, cfg.clearSeconds * 1000);
  } catch {
    toast(cfg, say(cfg, 'copyFailed'));
  }
}
