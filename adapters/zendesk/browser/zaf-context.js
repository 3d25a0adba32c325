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
// to their parent (templates/assets/latchkey.js), which is this page, and only
// this page holds a ZAF client to pass it on with `client.invoke('resize')`.
// A message counts only if it comes from the inner iframe's window and from
// this page's own origin (Latchkey's), has that type and a finite height; the
// height is clamped to MIN_HEIGHT–MAX_HEIGHT. A Latchkey page in the inner
// frame that does not report its height (the refusal pages) is measured once
// when it has loaded, which this page may do since it is on the same origin.
(function () {
  'use strict';
  var root = document.getElementById('lk-zendesk');
  if (!root) return;
  var location = root.getAttribute('data-location');
  var paths = {
    ticket_sidebar: ['ticket.id', 'ticket.subject', 'ticket.requester', 'ticket.organization', 'currentUser.locale'],
    user_sidebar: ['user', 'currentUser.locale'],
    organization_sidebar: ['organization', 'currentUser.locale'],
  }[location];

  function fail() {
    var loading = document.getElementById('lk-zendesk-loading');
    var failed = document.getElementById('lk-zendesk-failed');
    if (loading) loading.hidden = true;
    if (failed) failed.hidden = false;
  }

  if (!paths || typeof window.ZAFClient === 'undefined') { fail(); return; }
  var client = window.ZAFClient.init();
  if (!client) { fail(); return; }

  var height = root.getAttribute('data-height');
  if (height) {
    try { client.invoke('resize', { width: '100%', height: height }); } catch (e) { /* an older host: keep its height */ }
  }

  client.get(paths).then(function (data) {
    var query = new URLSearchParams();
    query.set('handoff', root.getAttribute('data-handoff') || '');
    function put(name, value) {
      if (value !== undefined && value !== null && value !== '') query.set(name, String(value).slice(0, 254));
    }
    function id(object) { return object && typeof object === 'object' ? object.id : undefined; }
    if (location === 'ticket_sidebar') {
      var requester = data['ticket.requester'] || {};
      put('ticket', data['ticket.id']);
      put('subject', data['ticket.subject']);
      put('requester', requester.id);
      put('requesterEmail', requester.email);
      put('organization', id(data['ticket.organization']));
    } else if (location === 'user_sidebar') {
      var user = data.user || {};
      put('user', user.id);
      put('userEmail', user.email);
      put('organization', id((user.organizations || [])[0]));
    } else {
      put('organization', id(data.organization));
    }
    put('language', data['currentUser.locale']);
    open(root.getAttribute('data-next') + '?' + query.toString());
  }, fail);

  var MIN_HEIGHT = 120;
  var MAX_HEIGHT = 4000;
  var lastHeight = height || '';

  function resize(pixels) {
    var value = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, Math.ceil(pixels))) + 'px';
    if (value === lastHeight) return;
    lastHeight = value;
    try {
      var done = client.invoke('resize', { width: '100%', height: value });
      if (done && typeof done.then === 'function') done.then(null, function () { /* keep the current height */ });
    } catch (e) { /* an older host: keep its height */ }
  }

  /** Loads Latchkey (the hand-off, then its frame page) in an iframe filling this page. */
  function open(url) {
    var frame = document.createElement('iframe');
    frame.id = 'lk-zendesk-frame';
    frame.title = document.title;
    frame.setAttribute('referrerpolicy', 'no-referrer');
    // Copy-to-clipboard, as Zendesk allows it to this page.
    frame.setAttribute('allow', 'clipboard-write');
    // Set through the CSSOM: the page's CSP allows no inline style attribute.
    var style = frame.style;
    style.position = 'fixed';
    style.top = '0';
    style.left = '0';
    style.width = '100%';
    style.height = '100%';
    style.border = '0';
    style.display = 'block';
    document.documentElement.style.overflow = 'hidden';

    window.addEventListener('message', function (event) {
      if (event.source !== frame.contentWindow || event.origin !== window.location.origin) return;
      var data = event.data;
      if (!data || typeof data !== 'object' || data.type !== 'latchkey:height') return;
      if (typeof data.height !== 'number' || !isFinite(data.height)) return;
      resize(data.height);
    });

    frame.addEventListener('load', function () {
      root.hidden = true;
      // Latchkey's message pages carry no height reporter: measure them here. Another
      // origin's document (which Latchkey never sends here) throws or has no document.
      try {
        var inner = frame.contentWindow;
        var doc = frame.contentDocument;
        if (!doc || !doc.documentElement || inner.__latchkeyHeightReporter) return;
        if (inner.location.origin !== window.location.origin) return;
        resize(doc.documentElement.getBoundingClientRect().height);
      } catch (e) { /* not ours to measure */ }
    });

    frame.src = url;
    document.body.appendChild(frame);
  }
})();
