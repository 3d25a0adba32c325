import { expect } from 'chai';
import { adminLogin, clientLogin, expectQuiet, shot, startE2E, visit, type E2E, requireChromium } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;

describe('[sqlite] e2e: languages', function () {
  let e2e: E2E;

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
  });
  after(async () => e2e?.close());

  it('switching the client area to French shows French, and the choice is kept', async () => {
    const { page, watch } = await e2e.newPage();
    await clientLogin(page, 'hello@blueharbourcoffee.example', 'language-emma');
    await visit(page, '/clientarea/passwords', 'language-client-area-en');
    const panel = page.locator('.lk-panel.lk-clientarea');
    expect(await panel.locator('#lk-owned-title').innerText()).to.equal('Owned');
    expect(await panel.locator('[data-lk-language]').inputValue()).to.equal('en');

    await Promise.all([page.waitForEvent('load'), panel.locator('[data-lk-language]').selectOption('fr')]);
    expect(await panel.locator('[data-lk-language]').inputValue()).to.equal('fr');
    await shot(page, 'language-client-area-switched');
    expect(await panel.locator('#lk-title-clientarea').innerText()).to.equal('Mots de passe');
    expect(await panel.locator('#lk-owned-title').innerText()).to.equal('Mes accès');
    expect(await panel.locator('#lk-shared-title').innerText()).to.equal('Partagés avec moi');
    expect(await panel.locator('#lk-services-title').innerText()).to.equal('Mots de passe des services');
    expect(await panel.locator('#lk-categories-title').innerText()).to.equal('Catégories');
    expect(await panel.locator('#lk-owned [data-lk-new]').innerText()).to.equal('Ajouter un accès');
    expect(await panel.locator('[data-lk-reveal]').first().innerText()).to.equal('Afficher');
    expect(await panel.locator('.lk-actions a').first().innerText()).to.equal('Se connecter');
    // The host page around it follows the choice too.
    expect(await page.locator('html').getAttribute('lang')).to.equal('fr');
    // Strings the script writes (reveal → hide) are French as well.
    const id = (await panel.locator('[data-lk-reveal]').first().getAttribute('data-lk-reveal'))!;
    await panel.locator(`[data-lk-reveal="${id}"]`).click();
    await page.waitForFunction((x) => document.querySelector(`[data-lk-reveal="${x}"]`)?.textContent === 'Masquer', id);
    // The dialog is French.
    await panel.locator('#lk-owned [data-lk-new]').click();
    const dialog = panel.locator('[data-lk-entry-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('h2').innerText()).to.match(/accès/i);
    expect(await dialog.locator('button[type=submit]').innerText()).to.equal('Enregistrer');
    await shot(page, 'language-client-area-fr-dialog');
    await dialog.locator('[data-lk-close]').click();

    // The choice survives navigation.
    await visit(page, '/clientarea', 'language-client-dashboard-fr');
    await visit(page, '/clientarea/passwords', 'language-client-area-fr-again');
    expect(await panel.locator('#lk-owned-title').innerText()).to.equal('Mes accès');
    await shot(page, 'language-client-area-fr');

    // And back to English.
    await Promise.all([page.waitForEvent('load'), panel.locator('[data-lk-language]').selectOption('en')]);
    expect(await panel.locator('#lk-owned-title').innerText()).to.equal('Owned');
    await shot(page, 'language-client-area-back-to-en');
    expectQuiet(watch, 'language switch');
  });

  it('a French client sees French without choosing; a German one German', async () => {
    const camille = await e2e.newPage();
    await clientLogin(camille.page, 'contact@atelier-lumiere.example', 'language-camille');
    await visit(camille.page, '/clientarea/passwords', 'language-client-area-camille-page');
    const panel = camille.page.locator('.lk-panel.lk-clientarea');
    expect(await panel.locator('#lk-owned-title').innerText()).to.equal('Mes accès');
    expect(await panel.locator('[data-lk-language]').inputValue()).to.equal('fr');
    await shot(camille.page, 'language-client-area-camille');

    const jonas = await e2e.newPage();
    await clientLogin(jonas.page, 'info@bergmann-metallbau.example', 'language-jonas');
    await visit(jonas.page, '/clientarea/passwords', 'language-client-area-jonas');
    expect(await jonas.page.locator('.lk-panel [data-lk-language]').inputValue()).to.equal('de');
    expect(await jonas.page.locator('.lk-panel #lk-owned-title').innerText()).not.to.equal('Owned');
    expectQuiet(camille.watch, 'camille');
    expectQuiet(jonas.watch, 'jonas');
  });

  it('a French admin gets the panels in French', async () => {
    const marc = await e2e.newPage();
    await adminLogin(marc.page, 'marc', 'language-marc');
    await visit(marc.page, '/admin/clients/2', 'language-admin-summary-fr-page');
    const panel = marc.page.locator('.lk-panel.lk-summary');
    expect(await panel.locator('.lk-title').innerText()).to.contain('Identifiants d’accès');
    expect(await panel.locator('[data-lk-new]').innerText()).to.equal('Ajouter un accès');
    await shot(marc.page, 'language-admin-summary-fr');
    expectQuiet(marc.watch, 'marc');
  });
});
