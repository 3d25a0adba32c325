import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, requireChromium, SCREENSHOT_DIR } from '../support/chromium.ts';
import type { TestDatabase } from '../support/databases.ts';
import { ZendeskHost } from './support.ts';

export interface ZendeskBrowserSuite {
  /** The simulated Zendesk agent page and the host with Latchkey mounted, seeded. */
  readonly host: ZendeskHost;
  /** A fresh browser context (its own cookies) on the host's origin, closed with the suite. */
  context(viewport: { width: number; height: number }): Promise<BrowserContext>;
  /** Closes the contexts made so far (suites that want a clean browser per test call it in afterEach). */
  closeContexts(): Promise<void>;
}

/**
 * The mocha hooks one Zendesk browser suite needs: a seeded ZendeskHost and
 * Debian's Chromium (skipped outside CI without it), closed at the end.
 * `prepare` adds what the suite needs beyond the common seed.
 */
export function zendeskBrowserSuite(db: TestDatabase, prepare?: (host: ZendeskHost) => Promise<void>): ZendeskBrowserSuite {
  let host: ZendeskHost | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const closeContexts = async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  };

  before(async function () {
    requireChromium(this);
    host = await ZendeskHost.start(db);
    await host.seed();
    await prepare?.(host);
    browser = await launchChromium();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  after(async () => {
    await closeContexts();
    await browser?.close().catch(() => undefined);
    await host?.close();
  });

  return {
    get host() {
      if (!host) throw new Error('the Zendesk host starts in the suite\'s before hook');
      return host;
    },
    async context(viewport) {
      const context = await browser!.newContext({ baseURL: host!.origin, viewport, locale: 'en-GB' });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      return context;
    },
    closeContexts,
  };
}
