// Latchkey's panels: reveal, copy (clipboard cleared after a while), the
// password generator, and the add / edit / share / delete / history dialogs.
// Every state change is a fetch with the panel's CSRF token; nothing here
// builds HTML from strings, so values only ever reach the page as text.
// Bundled by esbuild into templates/assets/latchkey.js (templates/browser/bundle.ts).
import { onVerificationRequired } from './api-client.ts';
import { onTokenClick, onTokenSubmit } from './api-tokens.ts';
import { onPanelClick } from './click-actions.ts';
import { onPanelChange, onPanelFocus, onPanelInput } from './field-changes.ts';
import { onPanelSubmit } from './form-submits.ts';
import { reportFrameHeight } from './frame-height.ts';
import { focusScrollingRegions } from './scroll-regions.ts';
import { onTransferChange, onTransferClick, onTransferSubmit } from './transfer.ts';
import { askForVerification } from './step-up-dialog.ts';
import { configOf } from './panel-config.ts';
import { openEntryTheParentNames, openLinkedEntry } from './linked-entry.ts';
import { onTagKey } from './tag-input.ts';
import { PICK_EVENT } from './search-picker.ts';
import { onPanelPick, onPickedClick } from './pick-actions.ts';

if (!window.__latchkeyLoaded) {
  window.__latchkeyLoaded = true;
  document.addEventListener('click', (event) => void onPanelClick(event));
  document.addEventListener('submit', (event) => void onPanelSubmit(event));
  document.addEventListener('input', onPanelInput);
  document.addEventListener('keydown', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.matches('[data-lk-api] [data-lk-tag-typed]')) onTagKey(configOf(input), input, event);
  });
  document.addEventListener('focusin', onPanelFocus);
  document.addEventListener('change', (event) => void onPanelChange(event));
  document.addEventListener('click', (event) => void onTokenClick(event));
  document.addEventListener('submit', (event) => void onTokenSubmit(event));
  document.addEventListener('click', (event) => void onTransferClick(event));
  document.addEventListener('submit', (event) => void onTransferSubmit(event));
  document.addEventListener('change', onTransferChange);
  document.addEventListener(PICK_EVENT, (event) => void onPanelPick(event));
  document.addEventListener('click', onPickedClick);
  onVerificationRequired(askForVerification);
  openLinkedEntry();
  openEntryTheParentNames();
}
reportFrameHeight();
focusScrollingRegions();
