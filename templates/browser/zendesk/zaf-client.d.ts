// The part of the Zendesk Apps framework client that the context page uses
// (https://developer.zendesk.com/api-reference/apps/apps-core-api/client_api/).
// The ZAF SDK, loaded just before the page's own script, puts `ZAFClient` on window.

interface ZafClient {
  /** The values at `paths`, by path (ZAF adds `errors` for those it does not know). */
  get(paths: readonly string[]): Promise<Record<string, unknown>>;
  /** `resize` sets the app's iframe size; an older host may throw, or answer a promise that rejects. */
  invoke(name: 'resize', size: { width: string; height: string }): unknown;
}

interface Window {
  ZAFClient?: { init(): ZafClient | false | null | undefined };
}
