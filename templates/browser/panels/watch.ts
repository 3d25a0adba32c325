import { call, messageOf } from './api-client.ts';
import { configOf, say } from './panel-config.ts';
import { toast } from './toast.ts';

/** The watch checkbox of an entry: asks for (or stops) mails on its changes; a refusal unticks it again. */
export async function toggleWatch(box: HTMLInputElement): Promise<void> {
  const cfg = configOf(box);
  const wanted = box.checked;
  box.disabled = true;
  try {
    await call(cfg, 'PUT', `/entries/${encodeURIComponent(box.dataset.lkWatch ?? '')}/watch`, { watch: wanted });
    toast(cfg, say(cfg, wanted ? 'watchOn' : 'watchOff'));
  } catch (error) {
    box.checked = !wanted;
    toast(cfg, messageOf(error) || say(cfg, 'failed'));
  } finally {
    box.disabled = false;
  }
}
