// Runs in the Zendesk iframe between the signed-URL check and Latchkey's frame:
// asks the Zendesk Apps framework (ZAF SDK, loaded just before this script)
// what the agent is looking at, and opens Latchkey with it in an inner iframe
// (same origin as this page). The ids are only used to choose the client; who
// the agent is was settled by the token.
// ZAF's `get` paths: https://developer.zendesk.com/api-reference/apps/apps-support-api/ticket_sidebar/
// (ticket.*), .../user_sidebar/ (user) and .../organization_sidebar/ (organization).
//
// This page stays as a thin wrapper so that the sidebar can follow the panel's
// height: Latchkey's framed pages post `{ type: 'latchkey:height', height }`
// to their parent (templates/browser/panels/frame-height.ts), which is this page, and only
// this page holds a ZAF client to pass it on with `client.invoke('resize')`.
// A message counts only if it comes from the inner iframe's window and from
// this page's own origin (Latchkey's), has that type and a finite height; the
// height is clamped to MIN_HEIGHT–MAX_HEIGHT. A Latchkey page in the inner
// frame that does not report its height (the refusal pages) is measured once
// when it has loaded, which this page may do since it is on the same origin.
// Bundled by esbuild into adapters/zendesk/browser/zaf-context.js (templates/browser/bundle.ts).

const MIN_HEIGHT = 120;
const MAX_HEIGHT = 4000;

/** What each sidebar location asks ZAF for. */
const PATHS: Readonly<Record<string, readonly string[]>> = {
  ticket_sidebar: ['ticket.id', 'ticket.subject', 'ticket.requester', 'ticket.organization', 'currentUser.locale'],
  user_sidebar: ['user', 'currentUser.locale'],
  organization_sidebar: ['organization', 'currentUser.locale'],
};

/** A ZAF record (a user, an organization…), of which only some fields matter here. */
type ZafRecord = { id?: unknown; email?: unknown; organizations?: unknown };

function recordOf(value: unknown): ZafRecord {
  return value && typeof value === 'object' ? value as ZafRecord : {};
}

function idOf(value: unknown): unknown {
  return value && typeof value === 'object' ? (value as ZafRecord).id : undefined;
}

/** Shows the page's "could not load" line instead of "loading". */
function fail(): void {
  const loading = document.getElementById('lk-zendesk-loading');
  const failed = document.getElementById('lk-zendesk-failed');
  if (loading) loading.hidden = true;
  if (failed) failed.hidden = false;
}

/** The hand-off address with what ZAF said the agent is looking at. */
function handoffQuery(root: HTMLElement, place: string, data: Record<string, unknown>): URLSearchParams {
  const query = new URLSearchParams();
  query.set('handoff', root.getAttribute('data-handoff') || '');
  const put = (name: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value).slice(0, 254));
  };
  if (place === 'ticket_sidebar') {
    const requester = recordOf(data['ticket.requester']);
    put('ticket', data['ticket.id']);
    put('subject', data['ticket.subject']);
    put('requester', requester.id);
    put('requesterEmail', requester.email);
    put('organization', idOf(data['ticket.organization']));
  } else if (place === 'user_sidebar') {
    const user = recordOf(data.user);
    put('user', user.id);
    put('userEmail', user.email);
    put('organization', idOf(Array.isArray(user.organizations) ? user.organizations[0] : undefined));
  } else {
    put('organization', idOf(data.organization));
  }
  put('language', data['currentUser.locale']);
  return query;
}

function start(): void {
  const root = document.getElementById('lk-zendesk');
  if (!root) return;
  const place = root.getAttribute('data-location') ?? '';
  const paths = PATHS[place];
  if (!paths || typeof window.ZAFClient === 'undefined') {
    fail();
    return;
  }
  const client = window.ZAFClient.init();
  if (!client) {
    fail();
    return;
  }

  const height = root.getAttribute('data-height');
  if (height) {
    try {
      client.invoke('resize', { width: '100%', height });
    } catch {
      // An older host: keep its height.
    }
  }

  let lastHeight = height || '';
  const resize = (pixels: number) => {
    const value = `${Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, Math.ceil(pixels)))}px`;
    if (value === lastHeight) return;
    lastHeight = value;
    try {
      const done = client.invoke('resize', { width: '100%', height: value }) as Partial<PromiseLike<unknown>> | null | undefined;
      if (done && typeof done.then === 'function') done.then(undefined, () => { /* keep the current height */ });
    } catch {
      // An older host: keep its height.
    }
  };

  /** Loads Latchkey (the hand-off, then its frame page) in an iframe filling this page. */
  const openLatchkey = (url: string) => {
    const frame = document.createElement('iframe');
    frame.id = 'lk-zendesk-frame';
    frame.title = document.title;
    frame.setAttribute('referrerpolicy', 'no-referrer');
    // Copy-to-clipboard, as Zendesk allows it to this page.
    frame.setAttribute('allow', 'clipboard-write');
    // Set through the CSSOM: the page's CSP allows no inline style attribute.
    Object.assign(frame.style, { position: 'fixed', top: '0', left: '0', width: '100%', height: '100%', border: '0', display: 'block' });
    document.documentElement.style.overflow = 'hidden';

    window.addEventListener('message', (event) => {
      if (event.source !== frame.contentWindow || event.origin !== window.location.origin) return;
      const data: unknown = event.data;
      if (!data || typeof data !== 'object') return;
      const { type, height: reported } = data as { type?: unknown; height?: unknown };
      if (type !== 'latchkey:height' || typeof reported !== 'number' || !Number.isFinite(reported)) return;
      resize(reported);
    });

    frame.addEventListener('load', () => {
      root.hidden = true;
      // Latchkey's message pages carry no height reporter: measure them here. Another
      // origin's document (which Latchkey never sends here) throws or has no document.
      try {
        const inner = frame.contentWindow;
        const doc = frame.contentDocument;
        if (!inner || !doc || !doc.documentElement || inner.__latchkeyHeightReporter) return;
        if (inner.location.origin !== window.location.origin) return;
        resize(doc.documentElement.getBoundingClientRect().height);
      } catch {
        // Not ours to measure.
      }
    });

    frame.src = url;
    document.body.appendChild(frame);
  };

  client.get(paths).then((data) => {
    openLatchkey(`${root.getAttribute('data-next')}?${handoffQuery(root, place, data).toString()}`);
  }, fail);
}

start();
