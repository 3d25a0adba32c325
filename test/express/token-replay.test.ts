import { expect } from 'chai';
import { TOKEN_CLOCK_TOLERANCE_SECONDS } from '../../core/index.ts';
import { Inbox } from '../mail/support/inbox.ts';
import { forEachDatabase, ManualClock, openVault, type TestDatabase, type Vault } from '../support/databases.ts';
import { hostFixture } from '../support/host-fixture.ts';
import { zendeskMigrations } from '../../adapters/zendesk/index.ts';
import { ZendeskHost } from '../zendesk/support.ts';
import { BASE, Browser, Harness, hs256Embed, signEmbed } from './harness.ts';

const TOLERANCE = TOKEN_CLOCK_TOLERANCE_SECONDS;
const LIFETIME = 120;

/** One kind of host token: signed for given times, and whether Latchkey lets it in. */
interface TokenKind {
  sign(times: { iat: number; exp: number }): Promise<string>;
  /** True when the token opened a session or ran the job; false when refused with 401. */
  opens(token: string): Promise<boolean>;
}

/**
 * The replay window: a token used once stays used for as long as any token
 * with its expiry is still accepted (expiry plus the clock tolerance), and no
 * longer is needed, since from then on the token is refused as expired.
 * Latchkey's clock is moved by hand; each test starts a day after the last.
 */
function replayRules(kind: () => TokenKind, clock: ManualClock): void {
  let start = Math.floor(Date.UTC(2026, 2, 1) / 1000);

  /** Uses a token at `start`, then puts the clock `secondsAfterExpiry` past its expiry. */
  async function usedThenAged(secondsAfterExpiry: number): Promise<{ used: string; unused: string }> {
    start += 86_400;
    clock.setEpochSeconds(start);
    const exp = start + LIFETIME;
    const used = await kind().sign({ iat: start, exp });
    // Same expiry, another token: what the same moment does to a token never used.
    const unused = await kind().sign({ iat: start + 1, exp });
    expect(await kind().opens(used), 'first use').to.equal(true);
    clock.setEpochSeconds(exp + secondsAfterExpiry);
    return { used, unused };
  }

  it('a used token is still refused 1 s after its expiry, while an unused one opens', async () => {
    const { used, unused } = await usedThenAged(1);
    expect(await kind().opens(used), 'replay').to.equal(false);
    expect(await kind().opens(unused), 'unused token, same expiry').to.equal(true);
  });

  it('a used token is still refused in the last second of the clock tolerance, while an unused one opens', async () => {
    const { used, unused } = await usedThenAged(TOLERANCE - 1);
    expect(await kind().opens(used), 'replay').to.equal(false);
    expect(await kind().opens(unused), 'unused token, same expiry').to.equal(true);
  });

  it('at expiry plus the tolerance, and after, every token is refused as expired, used or not', async () => {
    const { used, unused } = await usedThenAged(TOLERANCE);
    expect(await kind().opens(used), 'replay').to.equal(false);
    expect(await kind().opens(unused), 'unused token').to.equal(false);
    clock.advanceSeconds(1);
    expect(await kind().opens(used), 'replay, a second later').to.equal(false);
    expect(await kind().opens(unused), 'unused token, a second later').to.equal(false);
  });
}

forEachDatabase('host tokens: the replay window', (db: TestDatabase) => {
  const clock = new ManualClock();
  const embed = hs256Embed();
  let vault: Vault;
  let h: Harness;
  let zendesk: ZendeskHost;

  before(async () => {
    vault = await openVault(db, hostFixture(), { clock, adapterMigrations: zendeskMigrations });
    h = await Harness.start(db, { vault, embed, cron: { mailer: new Inbox() } });
    zendesk = await ZendeskHost.start(db, { vault });
    await zendesk.seed();
  });
  after(async () => {
    await zendesk?.close();
    await h?.close();
    await vault?.close();
  });

  describe('the used-token ledger', () => {
    it('keeps a used id until its expiry plus the clock tolerance, then forgets it', async () => {
      clock.setEpochSeconds(Math.floor(Date.UTC(2026, 1, 1) / 1000));
      const expiresAt = new Date(clock.now().getTime() + LIFETIME * 1000);
      expect(await vault.lk.usedTokens.consume('ledger-boundary-id', expiresAt)).to.equal(true);
      clock.setEpochSeconds(expiresAt.getTime() / 1000 + TOLERANCE);
      expect(await vault.lk.usedTokens.consume('ledger-boundary-id', expiresAt), 'at expiry + tolerance').to.equal(false);
      clock.advanceSeconds(1);
      expect(await vault.lk.usedTokens.consume('ledger-boundary-id', expiresAt), 'a second later: pruned').to.equal(true);
    });
  });

  describe('embed tokens (the WHMCS module’s iframe URL)', () => {
    replayRules(() => ({
      sign: (times) => signEmbed(embed.secret, { sub: 'client:c-acme', ctx: { place: 'clientArea' }, ...times }),
      opens: async (token) => statusOf(await new Browser(h.origin).get(`${BASE}/embed?token=${encodeURIComponent(token)}`), 303),
    }), clock);
  });

  describe('cron tokens', () => {
    replayRules(() => ({
      sign: (times) => signEmbed(embed.secret, { sub: 'system', ctx: { job: 'reminders' }, ...times }),
      opens: async (token) => statusOf(await new Browser(h.origin).send('POST', `${BASE}/api/cron/reminders`, {
        headers: { authorization: `Bearer ${token}` },
      }), 200),
    }), clock);
  });

  describe('Zendesk signed-URL tokens', () => {
    replayRules(() => ({
      sign: (times) => zendesk.signer.sign(times, { now: times.iat }),
      opens: async (token) => statusOf(await new Browser(zendesk.origin).send('POST', zendesk.entryPath('ticket_sidebar'), { form: { token } }), 303),
    }), clock);
  });
});

/** True for the status that means "let in", false for 401; anything else fails the test. */
function statusOf(response: { status: number; text: string }, opened: number): boolean {
  expect([opened, 401], response.text.slice(0, 300)).to.include(response.status);
  return response.status === opened;
}
