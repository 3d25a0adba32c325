import type { ApiTokenScope } from '../../core/index.ts';

/**
 * The scope an API token needs for each JSON API route (`<METHOD> <route
 * path>` as Express names it). A route not listed here is closed to tokens:
 * token management itself, and anything added later until it is listed.
 * The token's admin must still be allowed the action; the scope only cuts.
 */
const ROUTE_SCOPES: ReadonlyMap<string, ApiTokenScope> = new Map([
  ['GET /entries', 'read'],
  ['GET /entries/:id', 'read'],
  ['GET /entries/:id/history', 'read'],
  ['GET /services/:clientId', 'read'],
  ['GET /clients', 'read'],
  ['GET /categories', 'read'],
  ['POST /password', 'read'],
  ['POST /entries/:id/reveal', 'reveal'],
  ['POST /entries/:id/history/:historyId/reveal', 'reveal'],
  ['POST /entries', 'write'],
  ['PATCH /entries/:id', 'write'],
  ['PUT /entries/:id/grants', 'write'],
  ['DELETE /entries/:id', 'write'],
  ['PUT /entries/:id/watch', 'write'],
  ['POST /categories', 'manage'],
  ['PATCH /categories/:categoryId', 'manage'],
  ['DELETE /categories/:categoryId', 'manage'],
  ['GET /settings', 'manage'],
  ['PATCH /settings', 'manage'],
  ['POST /mail/preview', 'manage'],
  ['GET /audit', 'manage'],
  ['POST /addon/:section/:action', 'manage'],
]);

/** The scope a route needs, or null when tokens may not call it at all. */
export function scopeOfRoute(method: string, routePath: string): ApiTokenScope | null {
  return ROUTE_SCOPES.get(`${method === 'HEAD' ? 'GET' : method} ${routePath}`) ?? null;
}

/** Routes that hand out secrets: rate-limited per actor and per address, whoever calls. */
export function isRevealRoute(method: string, routePath: string): boolean {
  return scopeOfRoute(method, routePath) === 'reveal';
}
