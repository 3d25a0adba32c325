import { say, type PanelConfig } from './panel-config.ts';
import { toast } from './toast.ts';

// Copies and cuts the person made in this page since the panel last copied: a sign the clipboard moved on.
let copiesInPage = 0;
document.addEventListener('copy', () => { copiesInPage += 1; });
document.addEventListener('cut', () => { copiesInPage += 1; });

/**
 * Copies `text`, and after the panel's clear delay wipes the clipboard again,
 * but only if it still holds `text`: what the person copied since is theirs.
 */
export async function copyText(cfg: PanelConfig, text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    toast(cfg, say(cfg, 'copyFailed'));
    return;
  }
  toast(cfg, say(cfg, 'copied', { seconds: cfg.clearSeconds }));
  const copiesThen = copiesInPage;
  setTimeout(() => {
    void stillHolds(text, copiesThen).then(async (holds) => {
      if (!holds) return;
      await navigator.clipboard.writeText('');
      toast(cfg, say(cfg, 'clipboardCleared'));
    }).catch(() => {});
  }, cfg.clearSeconds * 1000);
}

/**
 * Whether the clipboard still holds `text`. Read when the browser lets the
 * page read it without asking; otherwise (no permission, or a frame not
 * allowed `clipboard-read`) judged by whether anything was copied in this
 * page since, which is the best the page can know.
 */
async function stillHolds(text: string, copiesThen: number): Promise<boolean> {
  if (await readable()) {
    try {
      return await navigator.clipboard.readText() === text;
    } catch {
      // Unfocused or refused after all: fall back to what the page saw.
    }
  }
  return copiesInPage === copiesThen;
}

/** Whether reading the clipboard is granted already: asking would put a prompt before the person for our sake. */
async function readable(): Promise<boolean> {
  try {
    const status = await navigator.permissions.query({ name: 'clipboard-read' as PermissionName });
    return status.state === 'granted';
  } catch {
    return false;
  }
}
