/**
 * The password policy set on the addon's settings page, in Chromium: the
 * generator's defaults saved there are what the entry dialog starts from,
 * and the minimum strength for staff entries is enforced by the server with
 * a message next to the password.
 */
import { expect } from 'chai';
import { adminLogin, clickAndReload, shot, startE2E, visit, type E2E, type WatchedPage, requireChromium } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib.
declare const document: any;

const OLIVIA = { kind: 'admin', adminId: '1' } as const;
const ADDON = '/admin/addons/latchkey';

describe('[sqlite] e2e: the password policy in the settings', function () {
  let e2e: E2E;
  let w: WatchedPage;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    w = await e2e.newPage();
    await adminLogin(w.page, 'olivia', 'policy-olivia');
  });
  after(async () => e2e?.close());

  it('a passphrase of 6 words saved as the default is what the entry dialog generates', async () => {
    const { page } = w;
    await visit(page, `${ADDON}?page=settings`, 'policy-settings');
    const form = page.locator('[data-lk-settings-form]');
    await form.locator('select[name="passwordPolicy.generator.mode"]').selectOption('passphrase');
    await form.locator('input[name="passwordPolicy.generator.words"]').fill('6');
    await form.locator('button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('[data-lk-toast]')?.textContent === 'Saved.');
    const saved = (await e2e.host.latchkey.settings.get(OLIVIA)).passwordPolicy.generator;
    expect(saved).to.include({ mode: 'passphrase', words: 6 });

    await visit(page, '/admin/clients/1', 'policy-summary');
    const panel = page.locator('.lk-panel.lk-summary');
    await panel.locator('[data-lk-new]').first().click();
    const dialog = panel.locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('[data-lk-gen="mode"]').inputValue()).to.equal('passphrase');
    expect(await dialog.locator('[data-lk-gen="words"]').inputValue()).to.equal('6');
    await dialog.locator('[data-lk-generate]').click();
    await page.waitForFunction(() => (document.querySelector('.lk-summary [data-lk-entry-dialog] [name=password]')?.value ?? '') !== '');
    const generated = await dialog.locator('[name=password]').inputValue();
    expect(generated.split('-'), generated).to.have.length(6);
    await shot(page, 'policy-dialog-passphrase');
    await dialog.locator('[data-lk-close]').click();
  });

  it('a staff minimum of 3 refuses a weak password with a message at the field, and takes a strong one', async () => {
    const { page } = w;
    await e2e.host.latchkey.settings.update(OLIVIA, { passwordPolicy: { staffMinimumScore: 3 } });
    try {
      await visit(page, `${ADDON}?page=settings`, 'policy-minimum');
      expect(await page.locator('input[name="passwordPolicy.staffMinimumScore"]').inputValue()).to.equal('3');

      await visit(page, '/admin/clients/1', 'policy-weak');
      const panel = page.locator('.lk-panel.lk-summary');
      await panel.locator('[data-lk-new]').first().click();
      const dialog = panel.locator('[data-lk-entry-dialog]');
      await dialog.waitFor({ state: 'visible' });
      await dialog.locator('[name=name]').fill('Policy e2e router');
      await dialog.locator('[name=password]').fill('password1');
      await dialog.locator('button[type=submit]').click();
      await page.waitForFunction(() => (document.querySelector('.lk-summary [data-lk-error-for="password"]')?.textContent ?? '') !== '');
      await shot(page, 'policy-weak-refused');
      const before = await e2e.host.latchkey.entries.list(OLIVIA, { clientId: '1', search: 'Policy e2e router' });
      expect(before.items, 'nothing written').to.deep.equal([]);

      await dialog.locator('[name=password]').fill('gz7Rk2pQx9Lm-vT4w');
      await clickAndReload(page, dialog.locator('button[type=submit]'));
      const after = await e2e.host.latchkey.entries.list(OLIVIA, { clientId: '1', search: 'Policy e2e router' });
      expect(after.items.map((e) => e.name)).to.deep.equal(['Policy e2e router']);
    } finally {
      await e2e.host.latchkey.settings.update(OLIVIA, { passwordPolicy: { staffMinimumScore: 0 } });
    }
  });
});
