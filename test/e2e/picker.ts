import { expect } from 'chai';
import type { Locator } from 'playwright-core';

/**
 * In a dialog with a search picker (templates/partials/search-picker.hbs):
 * types `text`, moves to the suggestion holding `name` with ↓ and picks it
 * with Enter, as a keyboard user does; the person then shows in the dialog's
 * list of who has access.
 */
export async function pickByKeyboard(dialog: Locator, text: string, name: string): Promise<void> {
  const input = dialog.locator('[data-lk-search-picker] input[role=combobox]');
  await input.fill(text);
  const option = dialog.locator('[role=listbox] [role=option]', { hasText: name }).first();
  await option.waitFor({ state: 'visible' });
  const index = (await dialog.locator('[role=listbox] [role=option]').allInnerTexts()).findIndex((o) => o.includes(name));
  for (let i = 0; i <= index; i += 1) await input.press('ArrowDown');
  expect(await input.getAttribute('aria-activedescendant')).to.equal(await option.getAttribute('id'));
  await input.press('Enter');
  await grantRow(dialog, name).waitFor({ state: 'visible' });
}

/** The row of the dialog's list of who has access (or of members) that names `name`. */
export function grantRow(dialog: Locator, name: string): Locator {
  return dialog.locator('[data-lk-grant-rows] li', { hasText: name });
}
