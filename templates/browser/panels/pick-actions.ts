import { addToClientList, removeFromClientList } from './client-list.ts';
import type { PickerHit } from './search-picker.ts';
import { onResetPick } from './step-up-reset.ts';

/**
 * A pick outside the dialogs (which listen on their own forms): a client
 * added to a settings list, or the client whose contacts the step-up reset
 * lists.
 */
export async function onPanelPick(event: Event): Promise<void> {
  if (!(event instanceof CustomEvent) || !(event.target instanceof Element)) return;
  const list = event.target.closest('[data-lk-client-list]');
  if (list instanceof HTMLElement) addToClientList(list, event.detail as PickerHit);
  else await onResetPick(event);
}

/** A settings list's remove button. */
export function onPickedClick(event: MouseEvent): void {
  const button = event.target instanceof Element ? event.target.closest('[data-lk-client-remove]') : null;
  if (button instanceof HTMLElement) removeFromClientList(button);
}
