import type { Frame, Page } from 'playwright-core';

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

/** The path of a frame's URL. */
export function framePath(frame: Frame): string {
  return new URL(frame.url()).pathname;
}
