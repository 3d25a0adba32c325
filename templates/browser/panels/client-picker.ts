import { startSearchPicker } from './search-picker.ts';

/**
 * `[data-lk-client-picker]`: a search picker (search-picker.ts) over
 * `/clients` unless the box names another `data-lk-source`. The input shows
 * the name picked and the form sends the id, as `data-lk-picked-id`; anything
 * typed afterwards, a pasted id say, is sent as typed.
 */
export function startClientPicker(box: HTMLElement): void {
  startSearchPicker(box);
}
