export { mountLatchkey, type LatchkeyMount } from './mount.ts';
export type { MountOptions, EmbedOptions, CronOptions } from './options.ts';
export { readCookie } from './cookies.ts';
/** The cookie in which Latchkey's client-area switcher keeps the chosen language. */
export { LANGUAGE_COOKIE } from './request-scope.ts';
