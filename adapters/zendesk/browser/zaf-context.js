// Runs in the Zendesk iframe between the signed-URL check and Latchkey's frame:
// asks the Zendesk Apps framework (ZAF SDK, loaded just before this script)
// what the agent is looking at, and goes on to Latchkey with it. The ids are
// only used to choose the client; who the agent is was settled by the token.
// ZAF's `get` paths: https://developer.zendesk.com/api-reference/apps/apps-support-api/ticket_sidebar/
// (ticket.*), .../user_sidebar/ (user) and .../organization_sidebar/ (organization).
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
    window.location.replace(root.getAttribute('data-next') + '?' + query.toString());
  }, fail);
})();
