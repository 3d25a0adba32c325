import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM_PATH = process.env.LATCHKEY_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/**
 * Browser suites need Debian's Chromium (`apt-get install chromium`). Without
 * it a developer's run skips them with the reason; CI always has it, and there
 * a missing browser fails instead of skipping.
 */
export function requireChromium(context: Mocha.Context): void {
  if (existsSync(CHROMIUM_PATH) || process.env.CI) return;
  console.warn(`  (browser tests skipped: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium)`);
  context.skip();
}

/** Debian's Chromium with the flags every browser suite uses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** The first frame (not the page itself, and past about:blank) that `matches`, polling until it appears. */
export async function waitForFrame(page: Page, matches: (frame: Frame) => boolean, timeoutMs = 15_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith('http') && matches(f));
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error(`no frame matched; frames at ${page.frames().map((f) => f.url()).join(', ')}`);
    await page.waitForTimeout(50);
  }
}

/** Polls until `check` passes (a height follows a message a frame later, say), or throws its last failure. */
export async function eventually(page: Page, check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.waitForTimeout(50);
    }
  }
}

/**
 * How far the page is wider than its window, in px (0 when it fits), and the
 * innermost elements that stick out; and Latchkey's boxes that scroll
 * sideways inside the page (a table in a scrolling box fits the page, yet
 * still scrolls sideways).
 */
export function sidewaysOverflow(page: Page): Promise<{ px: number; culprits: string[]; scrollers: string[] }> {
  return page.evaluate(() => {
    const document = (globalThis as any).document;
    const window = (globalThis as any).window;
    const px = Math.max(0, document.documentElement.scrollWidth - window.innerWidth);
    const out = px === 0 ? [] : [...document.querySelectorAll('body *')]
      .filter((el: any) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .filter((el: any, _: number, all: any[]) => !all.some((other: any) => other !== el && el.contains(other)));
    const scrollers = [...document.querySelectorAll('.lk *')]
      .filter((el: any) => ['auto', 'scroll'].includes(window.getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1);
    // Named the same way in both lists; no named function here: the test's compiler would wrap it in a helper the page lacks.
    const [outNames, scrollerNames] = [out.slice(0, 40), scrollers].map((els: any[]) => els.map((el: any) =>
      `${el.tagName.toLowerCase()}${typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`));
    return {
      px,
      culprits: [...new Set(outNames)].slice(0, 4) as string[],
      scrollers: [...new Set(scrollerNames!.map((name: string, i: number) => `${name} (${scrollers[i].scrollWidth - scrollers[i].clientWidth} px)`))] as string[],
    };
  });
}
