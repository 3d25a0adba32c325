export { mountLatchkey, type LatchkeyMount } from './mount.ts';
export type { MountOptions, EmbedOptions, CronOptions } from './options.ts';
export { DEFAULT_RATE_LIMITS, type RateLimitOptions } from './rate-limits.ts';
export { readCookie } from './cookies.ts';
/** For host adapters with browser files of their own (Zendesk's context script). */
export { staticAssets } from './static-assets.ts';
/** For host adapters whose tokens have a layout of their own (Zendesk's signed URLs). */
export { EmbedTokenError, verifyPinnedJwt, type PinnedJwtCheck } from './embed-token.ts';
/** The cookie in which Latchkey's client-area switcher keeps the chosen language. */
export { LANGUAGE_COOKIE } from './request-scope.ts';
/** `/healthz` and `/readyz` for a service that runs Latchkey (`latchkey serve` mounts them). */
export { databaseReadiness, healthRoutes, hostReadiness, type HealthRoutesOptions, type ReadinessCheck } from './health-routes.ts';
