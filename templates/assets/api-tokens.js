// The API tokens page: create a token and show it once, copy it, revoke one.
// Kept apart from latchkey.js: it runs on this page only. Values reach the
// page as text only; the token lives in this page's memory until it is left.
(() => {
  'use strict';
  if (window.__latchkeyApiTokens) return;
  window.__latchkeyApiTokens = true;

  const panelOf = (el) => el.closest('[data-lk-api]');

  async function call(panel, method, path, body) {
    const response = await fetch(panel.dataset.lkApi + path, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': panel.dataset.lkCsrf, Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.summary || data.message || '');
      error.issues = data.issues || [];
      throw error;
    }
    return data;
  }

  function showErrors(form, error) {
    for (const el of form.querySelectorAll('[data-lk-error-for]')) el.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const issue of error.issues || []) {
      const field = String(issue.field || '').split('.')[0];
      const slot = form.querySelector(`[data-lk-error-for="${CSS.escape(field)}"]`);
      if (slot) slot.textContent = issue.message;
      for (const input of form.querySelectorAll(`[name="${CSS.escape(field)}"]`)) input.setAttribute('aria-invalid', 'true');
    }
    const top = form.querySelector('[data-lk-error-for="(form)"]');
    if (top) top.textContent = error.message || top.dataset.failed || '';
  }

  async function create(form) {
    const panel = panelOf(form);
    const input = {
      name: form.elements.name.value,
      scopes: [...form.querySelectorAll('input[name="scopes"]:checked')].map((box) => box.value),
      expiresInDays: Number(form.elements.expiresInDays.value),
    };
    try {
      const created = await call(panel, 'POST', '/tokens', input);
      showErrors(form, { issues: [], message: '' });
      const box = panel.querySelector('[data-lk-token-created]');
      box.querySelector('[data-lk-token-value]').textContent = created.token;
      box.hidden = false;
      form.reset();
      box.querySelector('[data-lk-token-copy]').focus();
    } catch (error) {
      showErrors(form, error);
    }
  }

  async function copy(button) {
    const value = panelOf(button).querySelector('[data-lk-token-value]').textContent;
    const toast = panelOf(button).querySelector('[data-lk-toast]');
    try {
      await navigator.clipboard.writeText(value);
      toast.textContent = button.dataset.copied;
    } catch {
      toast.textContent = button.dataset.copyFailed;
    }
    toast.classList.add('lk-visible');
    setTimeout(() => toast.classList.remove('lk-visible'), 4000);
  }

  function askRevoke(button) {
    const dialog = panelOf(button).querySelector('[data-lk-token-revoke-dialog]');
    const text = dialog.querySelector('[data-lk-token-revoke-text]');
    text.textContent = text.dataset.template.split('{name}').join(button.dataset.name);
    dialog.dataset.tokenId = button.dataset.lkTokenRevoke;
    dialog.showModal();
  }

  async function revoke(dialog) {
    const form = dialog.querySelector('form');
    try {
      await call(panelOf(dialog), 'DELETE', `/tokens/${encodeURIComponent(dialog.dataset.tokenId)}`);
      dialog.close();
      location.reload();
    } catch (error) {
      showErrors(form, error);
    }
  }

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.matches('[data-lk-token-form]')) {
      event.preventDefault();
      create(form);
    } else if (form.closest('[data-lk-token-revoke-dialog]')) {
      event.preventDefault();
      revoke(form.closest('dialog'));
    }
  });

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const copyButton = target?.closest('[data-lk-token-copy]');
    const revokeButton = target?.closest('[data-lk-token-revoke]');
    const cancel = target?.closest('[data-lk-token-cancel]');
    if (copyButton) copy(copyButton);
    else if (revokeButton) askRevoke(revokeButton);
    else if (cancel) cancel.closest('dialog').close();
  });
})();
