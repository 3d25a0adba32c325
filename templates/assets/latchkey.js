// Latchkey's panels: reveal, copy (clipboard cleared after a while), the
// password generator, and the add / edit / share / delete / history dialogs.
// Every state change is a fetch with the panel's CSRF token; nothing here
// builds HTML from strings, so values only ever reach the page as text.
(() => {
  'use strict';
  if (window.__latchkeyLoaded) return;
  window.__latchkeyLoaded = true;

  const config = (el) => {
    const panel = el.closest('[data-lk-api]');
    return {
      panel,
      api: panel.dataset.lkApi,
      csrf: panel.dataset.lkCsrf,
      clearSeconds: Number(panel.dataset.lkClear || '30'),
      strings: JSON.parse(panel.dataset.lkI18n || '{}'),
      defaults: JSON.parse(panel.dataset.lkDefaults || '{}'),
      actor: panel.dataset.lkActor,
    };
  };
  const say = (cfg, key, values = {}) => {
    let text = cfg.strings[key] || key;
    for (const [name, value] of Object.entries(values)) text = text.split(`{{${name}}}`).join(String(value));
    return text;
  };

  async function call(cfg, method, path, body) {
    const response = await fetch(cfg.api + path, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': cfg.csrf, Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.summary || data.message || say(cfg, 'failed'));
      error.field = data.field;
      error.issues = data.issues || [];
      throw error;
    }
    return data;
  }

  function toast(cfg, text) {
    const box = cfg.panel.querySelector('[data-lk-toast]');
    if (!box) return;
    box.textContent = text;
    box.classList.add('lk-visible');
    clearTimeout(box._timer);
    box._timer = setTimeout(() => box.classList.remove('lk-visible'), 4000);
  }

  const revealed = new Map();
  async function reveal(cfg, id) {
    if (!revealed.has(id)) revealed.set(id, call(cfg, 'POST', `/entries/${encodeURIComponent(id)}/reveal`, {}));
    try {
      return await revealed.get(id);
    } finally {
      setTimeout(() => revealed.delete(id), 1000);
    }
  }

  async function copyText(cfg, text) {
    try {
      await navigator.clipboard.writeText(text);
      toast(cfg, say(cfg, 'copied', { seconds: cfg.clearSeconds }));
      setTimeout(() => {
        navigator.clipboard.writeText('').then(() => toast(cfg, say(cfg, 'clipboardCleared')), () => {});
      }, cfg.clearSeconds * 1000);
    } catch {
      toast(cfg, say(cfg, 'copyFailed'));
    }
  }

  function showErrors(form, error) {
    for (const el of form.querySelectorAll('[data-lk-error-for]')) el.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const issues = error.issues && error.issues.length ? error.issues : [{ field: error.field || '(form)', message: error.message }];
    let shown = false;
    for (const issue of issues) {
      const slot = form.querySelector(`[data-lk-error-for="${CSS.escape(issue.field || '(form)')}"]`);
      const input = form.querySelector(`[name="${CSS.escape(issue.field || '')}"]`);
      if (input) input.setAttribute('aria-invalid', 'true');
      if (slot) {
        slot.textContent = issue.message;
        shown = true;
      }
    }
    const top = form.querySelector('[data-lk-error-for="(form)"]');
    if (top && (!shown || error.message)) top.textContent = error.message;
  }

  function clearErrors(form) {
    for (const el of form.querySelectorAll('[data-lk-error-for]')) el.textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  // ---- entry dialog -------------------------------------------------------
  function openEntryDialog(cfg, entry) {
    const dialog = cfg.panel.querySelector('[data-lk-entry-dialog]');
    const form = dialog.querySelector('form');
    form.reset();
    clearErrors(form);
    const editing = Boolean(entry);
    const title = dialog.querySelector('h2');
    title.textContent = editing ? title.dataset.lkTitleEdit : title.dataset.lkTitleNew;
    for (const hint of form.querySelectorAll('[data-lk-edit-only]')) hint.hidden = !editing;
    const set = (name, value) => {
      const input = form.elements.namedItem(name);
      if (!input) return;
      if (input.type === 'checkbox') input.checked = Boolean(value);
      else input.value = value === null || value === undefined ? '' : String(value);
    };
    if (entry) {
      for (const name of ['id', 'version', 'name', 'username', 'websiteUrl', 'loginUrl', 'categoryId', 'reminderDays', 'notifyOnChange', 'sharedWithAdmin']) set(name, entry[name]);
    } else {
      set('id', '');
      set('version', '');
    }
    form._original = entry || null;
    dialog.showModal();
    form.elements.namedItem('name').focus();
  }

  function entryPayload(form) {
    const value = (name) => {
      const input = form.elements.namedItem(name);
      return input ? input.value : undefined;
    };
    const checked = (name) => {
      const input = form.elements.namedItem(name);
      return input ? input.checked : undefined;
    };
    const orNull = (text) => (text === undefined ? undefined : text.trim() === '' ? null : text.trim());
    const payload = {
      name: value('name'),
      username: value('username'),
      websiteUrl: orNull(value('websiteUrl')),
      loginUrl: orNull(value('loginUrl')),
      notifyOnChange: checked('notifyOnChange'),
    };
    const reminder = value('reminderDays');
    payload.reminderDays = reminder === undefined || reminder.trim() === '' ? null : Number(reminder);
    const category = value('categoryId');
    if (category !== undefined) payload.categoryId = category === '' ? null : category;
    if (form.elements.namedItem('sharedWithAdmin')) payload.sharedWithAdmin = checked('sharedWithAdmin');
    for (const secret of ['password', 'notes', 'totpSecret']) {
      const text = value(secret);
      if (text !== undefined && text !== '') payload[secret] = text;
    }
    for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
    return payload;
  }

  async function submitEntry(cfg, form) {
    const payload = entryPayload(form);
    const original = form._original;
    try {
      if (original) {
        payload.version = Number(form.elements.namedItem('version').value);
        if (payload.categoryId === (original.categoryId ?? null)) delete payload.categoryId;
        if (payload.sharedWithAdmin === original.sharedWithAdmin) delete payload.sharedWithAdmin;
        await call(cfg, 'PATCH', `/entries/${encodeURIComponent(original.id)}`, payload);
      } else {
        await call(cfg, 'POST', '/entries', { ...cleanDefaults(cfg.defaults), ...payload });
      }
      form.closest('dialog').close();
      toast(cfg, say(cfg, 'saved'));
      location.reload();
    } catch (error) {
      showErrors(form, error);
    }
  }

  function cleanDefaults(defaults) {
    const out = {};
    for (const [key, value] of Object.entries(defaults)) if (value !== null && value !== undefined) out[key] = value;
    return out;
  }

  // ---- share dialog -------------------------------------------------------
  function openShareDialog(cfg, entry) {
    const dialog = cfg.panel.querySelector('[data-lk-share-dialog]');
    const form = dialog.querySelector('form');
    clearErrors(form);
    form.elements.namedItem('id').value = entry.id;
    form.elements.namedItem('version').value = entry.version;
    const shared = form.elements.namedItem('sharedWithAdmin');
    if (shared) shared.checked = Boolean(entry.sharedWithAdmin);
    const grants = new Map((entry.grants || []).map((g) => [`${g.kind}:${g.id}`, g]));
    for (const box of form.querySelectorAll('[data-lk-grant-view]')) box.checked = grants.has(`${box.dataset.kind}:${box.dataset.id}`);
    for (const box of form.querySelectorAll('[data-lk-grant-edit]')) {
      box.checked = Boolean(grants.get(`${box.dataset.kind}:${box.dataset.id}`)?.canEdit);
    }
    form._entry = entry;
    dialog.showModal();
  }

  function checkedPrincipals(form, viewSelector, editSelector) {
    const chosen = new Map();
    for (const box of form.querySelectorAll(viewSelector)) {
      if (box.checked) chosen.set(`${box.dataset.kind}:${box.dataset.id}`, { kind: box.dataset.kind, id: box.dataset.id, canEdit: false });
    }
    for (const box of form.querySelectorAll(editSelector)) {
      if (box.checked) chosen.set(`${box.dataset.kind}:${box.dataset.id}`, { kind: box.dataset.kind, id: box.dataset.id, canEdit: true });
    }
    return [...chosen.values()];
  }

  async function submitShare(cfg, form) {
    const body = {
      version: Number(form.elements.namedItem('version').value),
      grants: checkedPrincipals(form, '[data-lk-grant-view]', '[data-lk-grant-edit]'),
    };
    const shared = form.elements.namedItem('sharedWithAdmin');
    if (shared) body.sharedWithAdmin = shared.checked;
    try {
      await call(cfg, 'PUT', `/entries/${encodeURIComponent(form.elements.namedItem('id').value)}/grants`, body);
      form.closest('dialog').close();
      location.reload();
    } catch (error) {
      showErrors(form, error);
    }
  }

  // ---- category dialog ----------------------------------------------------
  function openCategoryDialog(cfg, category) {
    const dialog = cfg.panel.querySelector('[data-lk-category-dialog]');
    const form = dialog.querySelector('form');
    form.reset();
    clearErrors(form);
    const title = dialog.querySelector('h2');
    title.textContent = category ? title.dataset.lkTitleEdit : title.dataset.lkTitleNew;
    form.elements.namedItem('id').value = category ? category.id : '';
    form.elements.namedItem('name').value = category ? category.name : '';
    const members = new Map(((category && category.members) || []).map((m) => [`${m.kind}:${m.id}`, m]));
    for (const box of form.querySelectorAll('[data-lk-member-view]')) box.checked = members.has(`${box.dataset.kind}:${box.dataset.id}`);
    for (const box of form.querySelectorAll('[data-lk-member-edit]')) box.checked = Boolean(members.get(`${box.dataset.kind}:${box.dataset.id}`)?.canEdit);
    const clientIds = form.querySelector('[data-lk-client-ids]');
    if (clientIds) clientIds.value = [...members.values()].filter((m) => m.kind === 'client').map((m) => m.id).join(', ');
    dialog.showModal();
    form.elements.namedItem('name').focus();
  }

  async function submitCategory(cfg, form) {
    const members = checkedPrincipals(form, '[data-lk-member-view]', '[data-lk-member-edit]');
    const clientIds = form.querySelector('[data-lk-client-ids]');
    if (clientIds) {
      for (const id of clientIds.value.split(/[\s,;]+/).filter(Boolean)) members.push({ kind: 'client', id, canEdit: false });
    }
    const id = form.elements.namedItem('id').value;
    const body = { name: form.elements.namedItem('name').value, members };
    try {
      if (id) await call(cfg, 'PATCH', `/categories/${encodeURIComponent(id)}`, body);
      else await call(cfg, 'POST', '/categories', body);
      form.closest('dialog').close();
      location.reload();
    } catch (error) {
      showErrors(form, error);
    }
  }

  // ---- settings -----------------------------------------------------------
  function settingsPayload(form) {
    const out = {};
    const put = (path, value) => {
      const keys = path.split('.');
      let target = out;
      for (const key of keys.slice(0, -1)) target = target[key] = target[key] || {};
      target[keys[keys.length - 1]] = value;
    };
    for (const list of form.querySelectorAll('[data-lk-list]')) {
      put(list.dataset.lkList, [...list.querySelectorAll('input[type=checkbox]')].filter((b) => b.checked).map((b) => b.value));
    }
    for (const input of form.querySelectorAll('[name]')) {
      if (input.type === 'checkbox') put(input.name, input.checked);
      else if (input.type === 'number') put(input.name, input.value.trim() === '' ? (input.hasAttribute('data-lk-null-empty') ? null : '') : Number(input.value));
      else put(input.name, input.value);
    }
    return out;
  }

  // ---- history ------------------------------------------------------------
  async function openHistory(cfg, id) {
    const dialog = cfg.panel.querySelector('[data-lk-history-dialog]');
    const list = dialog.querySelector('[data-lk-history-list]');
    const template = dialog.querySelector('[data-lk-history-item]');
    list.replaceChildren();
    const items = await call(cfg, 'GET', `/entries/${encodeURIComponent(id)}/history`);
    dialog.querySelector('[data-lk-history-empty]').hidden = items.length > 0;
    for (const item of items) {
      const li = template.content.firstElementChild.cloneNode(true);
      li.querySelector('[data-lk-history-when]').textContent = `${say(cfg, 'version', { version: item.version })} · ${new Date(item.changedAt).toLocaleString(document.documentElement.lang || undefined)}`;
      const button = li.querySelector('[data-lk-history-reveal]');
      button.addEventListener('click', async () => {
        const result = await call(cfg, 'POST', `/entries/${encodeURIComponent(id)}/history/${encodeURIComponent(item.id)}/reveal`, {});
        li.querySelector('[data-lk-history-secret]').textContent = result.password;
        button.remove();
      });
      list.append(li);
    }
    dialog.showModal();
  }

  // ---- event wiring -------------------------------------------------------
  document.addEventListener('click', async (event) => {
    const target = event.target instanceof Element ? event.target.closest('button, a') : null;
    if (!target || !target.closest('[data-lk-api]')) return;
    const cfg = config(target);
    const data = target.dataset;
    try {
      if (data.lkReveal !== undefined) {
        const id = data.lkReveal;
        const slot = cfg.panel.querySelector(`[data-lk-secret-for="${CSS.escape(id)}"]`);
        const details = cfg.panel.querySelector(`[data-lk-details-for="${CSS.escape(id)}"]`);
        if (target.getAttribute('aria-pressed') === 'true') {
          slot.textContent = '••••••••';
          if (details) details.hidden = true;
          target.setAttribute('aria-pressed', 'false');
          target.textContent = say(cfg, 'reveal');
          return;
        }
        const secrets = await reveal(cfg, id);
        slot.textContent = secrets.password ?? '';
        if (details) {
          details.querySelector('[data-lk-notes-for]').textContent = secrets.notes ?? '';
          details.querySelector('[data-lk-totp-for]').textContent = secrets.totpCode
            ? say(cfg, 'totpCode', { code: secrets.totpCode, seconds: secrets.totpSecondsLeft }) : '';
          details.hidden = !(secrets.notes || secrets.totpCode);
        }
        target.setAttribute('aria-pressed', 'true');
        target.textContent = say(cfg, 'hide');
      } else if (data.lkCopy !== undefined) {
        const secrets = await reveal(cfg, data.lkCopy);
        await copyText(cfg, secrets.password ?? '');
      } else if (data.lkCopyText !== undefined) {
        await copyText(cfg, data.lkCopyText);
      } else if (data.lkNew !== undefined) {
        openEntryDialog(cfg, null);
      } else if (data.lkEdit !== undefined) {
        openEntryDialog(cfg, JSON.parse(data.lkEdit));
      } else if (data.lkShare !== undefined) {
        openShareDialog(cfg, JSON.parse(data.lkShare));
      } else if (data.lkHistory !== undefined) {
        await openHistory(cfg, data.lkHistory);
      } else if (data.lkDelete !== undefined || data.lkCategoryDelete !== undefined) {
        const item = JSON.parse(data.lkDelete ?? data.lkCategoryDelete);
        const dialog = cfg.panel.querySelector('[data-lk-confirm-dialog]');
        const text = dialog.querySelector('[data-lk-confirm-text]');
        text.textContent = text.dataset.template.split('{name}').join(item.name);
        const form = dialog.querySelector('form');
        clearErrors(form);
        form._confirm = async () => {
          if (data.lkDelete !== undefined) await call(cfg, 'DELETE', `/entries/${encodeURIComponent(item.id)}?version=${encodeURIComponent(item.version)}`);
          else await call(cfg, 'DELETE', `/categories/${encodeURIComponent(item.id)}`);
        };
        dialog.showModal();
      } else if (data.lkCategoryNew !== undefined) {
        openCategoryDialog(cfg, null);
      } else if (data.lkCategoryEdit !== undefined) {
        openCategoryDialog(cfg, JSON.parse(data.lkCategoryEdit));
      } else if (data.lkClose !== undefined) {
        target.closest('dialog').close();
      } else if (data.lkGenerate !== undefined) {
        const form = target.closest('form');
        const result = await call(cfg, 'POST', '/password', {});
        const input = form.querySelector('[data-lk-password-input]');
        input.value = result.password;
        input.type = 'text';
      } else if (data.lkTogglePassword !== undefined) {
        const input = target.closest('form').querySelector('[data-lk-password-input]');
        input.type = input.type === 'password' ? 'text' : 'password';
        target.textContent = input.type === 'password' ? say(cfg, 'show') : say(cfg, 'hide');
      }
    } catch (error) {
      toast(cfg, error.message || say(cfg, 'failed'));
    }
  });

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.closest('[data-lk-api]')) return;
    const cfg = config(form);
    if (form.matches('[data-lk-entry-form]')) {
      event.preventDefault();
      await submitEntry(cfg, form);
    } else if (form.matches('[data-lk-share-form]')) {
      event.preventDefault();
      await submitShare(cfg, form);
    } else if (form.matches('[data-lk-category-form]')) {
      event.preventDefault();
      await submitCategory(cfg, form);
    } else if (form.matches('[data-lk-settings-form]')) {
      event.preventDefault();
      try {
        await call(cfg, 'PATCH', '/settings', settingsPayload(form));
        clearErrors(form);
        toast(cfg, say(cfg, 'saved'));
      } catch (error) {
        showErrors(form, error);
      }
    } else if (form._confirm) {
      event.preventDefault();
      try {
        await form._confirm();
        form.closest('dialog').close();
        location.reload();
      } catch (error) {
        showErrors(form, error);
      }
    }
  });

  document.addEventListener('change', async (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.matches('[data-lk-language]')) return;
    const cfg = config(select);
    try {
      await call(cfg, 'POST', '/language', { language: select.value });
      location.reload();
    } catch (error) {
      toast(cfg, error.message);
    }
  });
})();
