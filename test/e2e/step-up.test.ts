import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { describeActor, totpCode } from '../../core/index.ts';
import { DEMO_PASSWORD } from '../../examples/demo-host/seed-data.ts';
import { adminLogin, api, expectQuiet, requireChromium, shot, startE2E, visit, type E2E, type WatchedPage } from './support.ts';

// In-page callbacks run in Chromium; the project compiles without the DOM lib, so its globals are declared loosely here.
declare const document: any;

const TICKET = '/admin/tickets/1';
const HIDDEN = '••••••••';

/** The seed in an otpauth URI, as the dialog shows it for apps that cannot scan. */
function seedOf(uri: string): string {
  const seed = new URL(uri).searchParams.get('secret');
  if (!seed) throw new Error(`no secret in ${uri}`);
  return seed;
}

/** Chromium logs each refused request itself ("Failed to load resource: … 403"); those lines are expected, nothing else. */
function dropRefusedRequestLines(w: WatchedPage, ...statuses: number[]): void {
  const lines = w.watch.consoleErrors.splice(0);
  expect(lines.filter((line) => !statuses.some((status) => line.includes(`status of ${status}`))), 'other console errors').to.deep.equal([]);
}

describe('[sqlite] e2e: step-up verification with an authenticator app', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;
  let recoveryCodes: string[] = [];

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    await e2e.host.latchkey.settings.update({ kind: 'system' }, { stepUp: { actions: ['reveal'], allStaff: true } });
    w = await e2e.newPage();
    page = w.page;
    await adminLogin(page, 'sam', 'step-up-sam');
  });
  after(async () => e2e?.close());

  const panel = () => page.locator('.ticket-sidebar .lk-panel.lk-ticket');
  const secret = () => panel().locator('[data-lk-secret-for="service:2"]');
  const revealed = () => page.waitForFunction((hidden) => {
    const text = document.querySelector('.ticket-sidebar [data-lk-secret-for="service:2"]')?.textContent;
    return text && text !== hidden;
  }, HIDDEN);

  it('a first reveal sets up the app: QR code and its address, a code from the app, recovery codes once, then the password', async () => {
    await visit(page, TICKET, 'step-up-ticket');
    await panel().locator('[data-lk-reveal="service:2"]').click();
    const dialog = panel().locator('[data-lk-step-up-dialog]');
    await dialog.waitFor({ state: 'visible' });
    const uri = dialog.locator('[data-lk-step-up-uri]');
    await page.waitForFunction(() => (document.querySelector('.ticket-sidebar [data-lk-step-up-uri]')?.textContent ?? '').startsWith('otpauth://'));
    const qr = dialog.locator('[data-lk-step-up-qr] img');
    expect(await qr.getAttribute('src')).to.match(/^data:image\/png;base64,/);
    // The page's CSP let the image load: it has a size of its own.
    expect(await qr.evaluate((img: { naturalWidth: number }) => img.naturalWidth)).to.be.greaterThan(0);
    await shot(page, 'step-up-enrol');
    expect(await secret().innerText(), 'nothing shown yet').to.equal(HIDDEN);

    await dialog.locator('input[name=code]').fill(totpCode(seedOf(await uri.innerText()), new Date()).code);
    await dialog.locator('[data-lk-step-up-submit]').click();
    const codes = dialog.locator('[data-lk-step-up-codes] li');
    await codes.first().waitFor({ state: 'visible' });
    recoveryCodes = await codes.allInnerTexts();
    expect(recoveryCodes).to.have.length(10);
    await shot(page, 'step-up-recovery-codes');
    await dialog.locator('[data-lk-step-up-submit]').click();
    await revealed();
    expect(await dialog.isVisible()).to.equal(false);
    dropRefusedRequestLines(w, 403);
    expectQuiet(w.watch, 'enrol and reveal');
  });

  it('in a new session a reveal made straight against the API is refused; the panel asks again, and a recovery code passes', async () => {
    const other = await e2e.newPage();
    await adminLogin(other.page, 'sam', 'step-up-sam-again');
    await visit(other.page, TICKET, 'step-up-ticket-again');
    const direct = await api<{ error: string; methods: string[] }>(other.page, 'POST', '/entries/service:2/reveal', {});
    expect(direct.status).to.equal(403);
    expect(direct.body).to.deep.include({ error: 'verification_required', methods: ['totp', 'recoveryCode'] });

    const otherPanel = other.page.locator('.ticket-sidebar .lk-panel.lk-ticket');
    await otherPanel.locator('[data-lk-reveal="service:2"]').click();
    const dialog = otherPanel.locator('[data-lk-step-up-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('[data-lk-step-up-part=enrol]').isHidden(), 'no second enrolment').to.equal(true);
    await dialog.locator('input[name=code]').fill('000000');
    await dialog.locator('[data-lk-step-up-submit]').click();
    await dialog.locator('[data-lk-error-for=code]:not(:empty)').waitFor();
    expect(await dialog.locator('[data-lk-error-for=code]').innerText()).to.equal('is not a valid code');
    await dialog.locator('[data-lk-step-up-recovery]').click();
    await dialog.locator('input[name=recoveryCode]').fill(recoveryCodes[0]!);
    await dialog.locator('[data-lk-step-up-submit]').click();
    await other.page.waitForFunction((hidden) => {
      const text = document.querySelector('.ticket-sidebar [data-lk-secret-for="service:2"]')?.textContent;
      return text && text !== hidden;
    }, HIDDEN);
    await shot(other.page, 'step-up-recovered');
    dropRefusedRequestLines(other, 400, 403);
    expectQuiet(other.watch, 'recovery code');
  });

  it('the settings page shows the policy; a manager resets Sam there (audited); the trail names the verifications, never a code', async () => {
    const admin = await e2e.newPage();
    await adminLogin(admin.page, 'olivia', 'step-up-olivia');
    await visit(admin.page, '/admin/addons/latchkey?page=settings', 'step-up-settings');
    expect(await admin.page.locator('[data-lk-list="stepUp.actions"] input[value=reveal]').isChecked()).to.equal(true);
    expect(await admin.page.locator('[data-lk-list="stepUp.actions"] input[value=share]').isChecked()).to.equal(false);
    expect(await admin.page.locator('input[name="stepUp.allStaff"]').isChecked()).to.equal(true);
    expect(await admin.page.locator('input[name="stepUp.minutes"]').inputValue()).to.equal('10');
    const sam = { kind: 'admin', adminId: '2' } as const;
    expect((await e2e.host.latchkey.stepUp.status(sam, null)).methods).to.include('totp');
    const reset = admin.page.locator('[data-lk-step-up-reset]');
    await reset.locator('select[name=adminId]').selectOption('2');
    await reset.locator('button[type=submit]').click();
    await admin.page.locator('[data-lk-toast]:not(:empty)').waitFor();
    expect((await e2e.host.latchkey.stepUp.status(sam, null)).methods).to.deep.equal([]);
    // A contact's factor: the client found by typing part of its name, then the contact chosen from its list by name.
    const client = reset.locator('input[role=combobox][name=clientId]');
    await client.fill('blue harb');
    await reset.locator('[role=option]', { hasText: 'Blue Harbour Coffee Roasters' }).waitFor({ state: 'visible' });
    await client.press('ArrowDown');
    await client.press('Enter');
    expect(await client.inputValue()).to.equal('Blue Harbour Coffee Roasters');
    const contact = reset.locator('select[name=contactId]');
    await contact.locator('option', { hasText: 'Tom Whitaker' }).waitFor({ state: 'attached' });
    await contact.selectOption({ label: 'Tom Whitaker' });
    await reset.locator('select[name=adminId]').selectOption('');
    const [answer] = await Promise.all([
      admin.page.waitForResponse((r) => r.url().endsWith('/api/step-up/reset')),
      reset.locator('button[type=submit]').click(),
    ]);
    expect(answer.status()).to.equal(204);
    expectQuiet(admin.watch, 'reset');
    const events = await e2e.host.latchkey.audit.list({ kind: 'system' }, {});
    const actions = events.filter((e) => e.action.startsWith('stepUp.')).map((e) => e.action);
    expect(actions).to.include.members(['stepUp.enrol', 'stepUp.verify', 'stepUp.failed', 'stepUp.reset']);
    const tom = describeActor({ kind: 'client', clientId: '1', contactId: '2' });
    const resets = events.filter((e) => e.action === 'stepUp.reset').map((e) => (e.details as { person?: string }).person);
    expect(resets).to.include(`${tom.kind}:${tom.id}`);
    expect(JSON.stringify(events)).not.to.include(recoveryCodes[0]!);
  });
});

describe('[sqlite] e2e: step-up verification with a passkey (Chromium\'s virtual authenticator)', function () {
  let e2e: E2E;
  let w: WatchedPage;
  let page: Page;
  /** WebAuthn wants a domain, not an address: the same demo host, reached as localhost. */
  let origin = '';
  let authenticatorId = '';

  before(async function () {
    requireChromium(this);
    e2e = await startE2E();
    await e2e.host.latchkey.settings.update({ kind: 'system' }, { stepUp: { actions: ['reveal'], allClients: true } });
    origin = e2e.host.url.replace('127.0.0.1', 'localhost');
    w = await e2e.newPage();
    page = w.page;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    }));
    await page.goto(`${origin}/login`);
    await page.fill('#login', 'hello@blueharbourcoffee.example');
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === '/clientarea'), page.click('button[type=submit]')]);
  });
  after(async () => e2e?.close());

  const panel = () => page.locator('.lk-panel.lk-clientarea');
  const revealed = () => page.waitForFunction((hidden) => {
    const text = document.querySelector('[data-lk-secret-for="service:1"]')?.textContent;
    return text && text !== hidden;
  }, HIDDEN);

  it('a client adds a passkey at the first guarded reveal, and the password shows', async () => {
    await page.goto(`${origin}/clientarea/passwords`);
    await panel().locator('[data-lk-reveal="service:1"]').click();
    const dialog = panel().locator('[data-lk-step-up-dialog]');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('[data-lk-step-up-passkey=register]').click();
    await revealed();
    const cdp = await page.context().newCDPSession(page);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).to.have.length(1);
    await shot(page, 'step-up-passkey-added');
    dropRefusedRequestLines(w, 403);
    expectQuiet(w.watch, 'passkey added');
  });

  it('in a new session a direct API reveal is refused; the panel asks for the passkey, and then it passes', async () => {
    // A new session: the panel's session cookie goes, the host's sign-in stays.
    await page.context().clearCookies({ name: 'lk_csrf' });
    await page.goto(`${origin}/clientarea/passwords`);
    const direct = await api<{ error: string; methods: string[] }>(page, 'POST', '/entries/service:1/reveal', {});
    expect(direct.status).to.equal(403);
    expect(direct.body).to.deep.include({ error: 'verification_required', methods: ['passkey'] });

    await panel().locator('[data-lk-reveal="service:1"]').click();
    const dialog = panel().locator('[data-lk-step-up-dialog]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('input[name=code]').isVisible(), 'no code to type').to.equal(false);
    await dialog.locator('[data-lk-step-up-passkey=verify]').click();
    await revealed();
    const events = await e2e.host.latchkey.audit.list({ kind: 'system' }, {});
    expect(events.filter((e) => e.action.startsWith('stepUp.')).map((e) => [e.action, e.details?.method]))
      .to.deep.equal([['stepUp.verify', 'passkey'], ['stepUp.enrol', 'passkey']]);
    dropRefusedRequestLines(w, 403);
    expectQuiet(w.watch, 'passkey verified');
  });
});
