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

  // ---- addon sections -----------------------------------------------------
  // A section an adapter adds to the addon pages (`data-lk-addon="<section>"`):
  // its forms and remove buttons post to `<api>/addon/<section>/<action>`.
  const addonPath = (el, action) => {
    const section = el.closest('[data-lk-addon]').dataset.lkAddon;
    return `/addon/${encodeURIComponent(section)}/${encodeURIComponent(action)}`;
  };

  function addonFormInput(form) {
    const input = {};
    for (const [name, value] of new FormData(form)) if (typeof value === 'string') input[name] = value;
    // A client picker shows the name of the client picked and sends its id (see clientPicker).
    for (const field of form.querySelectorAll('input[name][data-lk-picked-id]')) input[field.name] = field.dataset.lkPickedId;
    return input;
  }

  // ---- client picker ------------------------------------------------------
  // `[data-lk-client-picker]` holds a combobox input and its listbox: typing
  // part of a client's name or email (two characters or more) asks
  // `/clients?search=` and lists the answer; ↓/↑ move through it, Enter or a
  // click picks (the input then shows the name and the form sends the id, as
  // `data-lk-picked-id`), Escape closes. Anything typed afterwards, a pasted
  // id say, is sent as typed.
  function clientPicker(box) {
    if (box._picker) return box._picker;
    const cfg = config(box);
    const input = box.querySelector('input[role=combobox]');
    const list = box.querySelector('[role=listbox]');
    const status = box.querySelector('[data-lk-picker-status]');
    let timer = null;
    let asked = 0;
    let active = -1;
    const options = () => [...list.querySelectorAll('[role=option]')];
    const close = () => {
      clearTimeout(timer);
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    };
    const highlight = (index) => {
      const all = options();
      active = all.length === 0 ? -1 : (index + all.length) % all.length;
      all.forEach((option, i) => option.setAttribute('aria-selected', String(i === active)));
      if (active < 0) input.removeAttribute('aria-activedescendant');
      else {
        input.setAttribute('aria-activedescendant', all[active].id);
        all[active].scrollIntoView({ block: 'nearest' });
      }
    };
    const show = (clients) => {
      list.replaceChildren(...clients.map((client, i) => {
        const option = document.createElement('li');
        option.id = `${list.id}-${i}`;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.dataset.id = client.id;
        option.dataset.name = client.name;
        const name = document.createElement('span');
        name.textContent = client.name;
        const id = document.createElement('span');
        id.className = 'lk-muted';
        id.textContent = client.id;
        option.append(name, id);
        return option;
      }));
      active = -1;
      list.hidden = clients.length === 0;
      input.setAttribute('aria-expanded', String(clients.length > 0));
      input.removeAttribute('aria-activedescendant');
      status.textContent = clients.length === 0 ? box.dataset.lkNone : box.dataset.lkFound.split('{number}').join(String(clients.length));
    };
    const search = () => {
      delete input.dataset.lkPickedId;
      const text = input.value.trim();
      const question = ++asked;
      close();
      if (text.length < 2) {
        status.textContent = '';
        return;
      }
      timer = setTimeout(async () => {
        try {
          const clients = await call(cfg, 'GET', `/clients?search=${encodeURIComponent(text.slice(0, 100))}`);
          if (question === asked && document.activeElement === input) show(clients);
        } catch {
          if (question === asked) close();
        }
      }, 200);
    };
    const pick = (option) => {
      input.value = option.dataset.name;
      input.dataset.lkPickedId = option.dataset.id;
      asked += 1;
      close();
      status.textContent = box.dataset.lkPicked.split('{name}').join(option.dataset.name).split('{id}').join(option.dataset.id);
    };
    input.addEventListener('input', search);
    input.addEventListener('keydown', (event) => {
      const open = !list.hidden;
      if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && open) {
        event.preventDefault();
        const down = event.key === 'ArrowDown';
        highlight(active < 0 ? (down ? 0 : -1) : active + (down ? 1 : -1));
      } else if (event.key === 'ArrowDown' && !input.dataset.lkPickedId) {
        search();
      } else if (event.key === 'Enter' && open && active >= 0) {
        event.preventDefault();
        pick(options()[active]);
      } else if (event.key === 'Escape' && open) {
        event.preventDefault();
        asked += 1;
        close();
      }
    });
    input.addEventListener('blur', () => {
      asked += 1;
      close();
    });
    // The input keeps the focus while an option is clicked.
    list.addEventListener('mousedown', (event) => event.preventDefault());
    list.addEventListener('click', (event) => {
      const option = event.target instanceof Element ? event.target.closest('[role=option]') : null;
      if (option) pick(option);
    });
    box._picker = { input };
    return box._picker;
  }

  document.addEventListener('focusin', (event) => {
    const box = event.target instanceof Element ? event.target.closest('[data-lk-client-picker]') : null;
    if (box && box.closest('[data-lk-api]')) clientPicker(box);
  });

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
    showCurrentCategory(cfg, form, entry);
    if (entry) {
      for (const name of ['id', 'version', 'name', 'username', 'websiteUrl', 'loginUrl', 'categoryId', 'notifyOnChange', 'sharedWithAdmin', 'private']) set(name, entry[name]);
    } else {
      set('id', '');
      set('version', '');
    }
    // Secrets are never loaded into the form: one the entry holds shows as kept until something is typed.
    for (const [name, has] of [['password', 'hasPassword'], ['notes', 'hasNotes'], ['totpSecret', 'hasTotp']]) {
      const input = form.elements.namedItem(name);
      if (input) input.placeholder = entry && entry[has] ? say(cfg, 'secretKept') : '';
    }
    // null follows the default period, 0 turns reminders off, n reminds every n days.
    const days = entry ? entry.reminderDays : null;
    setReminderMode(form, days === null || days === undefined ? 'default' : days === 0 ? 'off' : 'every');
    set('reminderDays', days ? days : '');
    // "Notify me when the password changes" is the owner's own wish; others use the toggle on the entry.
    for (const box of form.querySelectorAll('[data-lk-owner-only]')) box.hidden = Boolean(entry) && entry.isOwner === false;
    // "Shared with the administration" belongs to a client's own entry; on any other it could only be shown wrong.
    for (const box of form.querySelectorAll('[data-lk-client-owner-only]')) {
      box.hidden = Boolean(entry) && (entry.isOwner === false || entry.ownerKind !== 'client');
    }
    // "Private" is the author's choice about a staff entry: shown to whoever may change its sharing.
    for (const box of form.querySelectorAll('[data-lk-staff-private]')) {
      box.hidden = Boolean(entry) && (entry.ownerKind !== 'admin' || !entry.canShare);
    }
    form._original = entry || null;
    form._shown = entry ? entryPayload(form) : null;
    dialog.showModal();
    form.elements.namedItem('name').focus();
  }

  /**
   * The category list holds the categories this user may file into. An entry
   * filed elsewhere (a client's own category, seen by staff) keeps its
   * category: it is shown by name, as an extra choice that only this dialog
   * has, so that saving without touching it keeps it.
   */
  function showCurrentCategory(cfg, form, entry) {
    const select = form.elements.namedItem('categoryId');
    if (!select) return;
    for (const option of select.querySelectorAll('option[data-lk-kept-category]')) option.remove();
    const id = entry && entry.categoryId;
    if (!id || [...select.options].some((option) => option.value === id)) return;
    const option = document.createElement('option');
    option.value = id;
    option.dataset.lkKeptCategory = '';
    const name = entry.categoryName || say(cfg, 'categoryUnnamed');
    option.textContent = say(cfg, cfg.actor === 'admin' ? 'clientCategoryKept' : 'otherCategoryKept', { name });
    select.append(option);
  }

  function setReminderMode(form, mode) {
    for (const radio of form.querySelectorAll('input[name="reminderMode"]')) radio.checked = radio.value === mode;
  }

  function reminderMode(form) {
    const chosen = form.querySelector('input[name="reminderMode"]:checked');
    return chosen ? chosen.value : 'default';
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
    };
    // A field the dialog does not show is never sent.
    const shown = (name) => {
      const input = form.elements.namedItem(name);
      return Boolean(input) && !input.closest('[hidden]');
    };
    if (shown('notifyOnChange')) payload.notifyOnChange = checked('notifyOnChange');
    if (form.elements.namedItem('reminderDays')) {
      const mode = reminderMode(form);
      const days = value('reminderDays').trim();
      // An empty "every … days" is sent as it is, so the server names the field that needs a number.
      payload.reminderDays = mode === 'off' ? 0 : mode === 'every' ? (days === '' ? '' : Number(days)) : null;
    }
    const category = value('categoryId');
    if (category !== undefined) payload.categoryId = category === '' ? null : category;
    if (shown('sharedWithAdmin')) payload.sharedWithAdmin = checked('sharedWithAdmin');
    if (shown('private')) payload.private = checked('private');
    for (const secret of ['password', 'notes', 'totpSecret']) {
      const text = value(secret);
      if (text !== undefined && text !== '') payload[secret] = text;
    }
    for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
    return payload;
  }

  /**
   * What an edit changes: the fields whose value differs from what the dialog
   * showed when it opened. A field the user did not touch is never sent, even
   * where the form could not hold the stored value exactly. Secrets are never
   * loaded, so one is sent only when typed.
   */
  function changesFrom(shown, payload) {
    const changes = {};
    for (const [key, value] of Object.entries(payload)) {
      if (!Object.prototype.hasOwnProperty.call(shown, key) || shown[key] !== value) changes[key] = value;
    }
    return changes;
  }

  async function submitEntry(cfg, form) {
    const original = form._original;
    try {
      if (original) {
        const changes = changesFrom(form._shown, entryPayload(form));
        if (Object.keys(changes).length === 0) {
          // Nothing to save: nothing is sent, and nothing reloads.
          form.closest('dialog').close();
          toast(cfg, say(cfg, 'unchanged'));
          return;
        }
        changes.version = Number(form.elements.namedItem('version').value);
        await call(cfg, 'PATCH', `/entries/${encodeURIComponent(original.id)}`, changes);
      } else {
        await call(cfg, 'POST', '/entries', { ...cleanDefaults(cfg.defaults), ...entryPayload(form) });
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
    // A client's category: staff rename it; who is in it is the client's to say, so members are neither shown nor sent.
    const renameOnly = Boolean(category && category.renameOnly);
    form.dataset.lkRenameOnly = renameOnly ? '1' : '';
    for (const part of form.querySelectorAll('[data-lk-members-part]')) part.hidden = renameOnly;
    form.querySelector('[data-lk-rename-only-hint]').hidden = !renameOnly;
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
    const body = form.dataset.lkRenameOnly ? { name: form.elements.namedItem('name').value } : { name: form.elements.namedItem('name').value, members };
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
      if (input.matches('[data-lk-mail-field]')) continue;
      if (input.type === 'checkbox') put(input.name, input.checked);
      else if (input.hasAttribute('data-lk-id-list')) put(input.name, input.value.split(/[\s,;]+/).filter(Boolean));
      else if (input.type === 'number') put(input.name, input.value.trim() === '' ? (input.hasAttribute('data-lk-null-empty') ? null : '') : Number(input.value));
      else put(input.name, input.value);
    }
    if (form.querySelector('[data-lk-mail-editor]')) out.mailTemplates = mailTemplatesPayload(form);
    return out;
  }

  // ---- mail templates -----------------------------------------------------
  // One editor per kind and language; only texts that differ from the default
  // are saved, so an untouched language keeps following the translations.
  const mailField = (editor, which) => editor.querySelector(`[data-lk-mail-field="${which}"]`);
  const normalise = (text) => text.replace(/\r\n?/g, '\n').trim();

  function mailText(editor) {
    const subject = normalise(mailField(editor, 'subject').value);
    const body = normalise(mailField(editor, 'body').value);
    // A field left empty means the default text for that field.
    return { subject: subject || editor.dataset.defaultSubject, body: body || editor.dataset.defaultBody };
  }

  function isCustomised(editor) {
    const text = mailText(editor);
    return text.subject !== normalise(editor.dataset.defaultSubject) || text.body !== normalise(editor.dataset.defaultBody);
  }

  function mailTemplatesPayload(form) {
    const out = {};
    for (const editor of form.querySelectorAll('[data-lk-mail-editor]')) {
      if (!isCustomised(editor)) continue;
      const kind = editor.dataset.kind;
      out[kind] = out[kind] || {};
      out[kind][editor.dataset.language] = mailText(editor);
    }
    return out;
  }

  function showMailState(editor) {
    const badge = editor.querySelector('[data-lk-mail-state]');
    if (!badge) return;
    const custom = isCustomised(editor);
    badge.textContent = custom ? badge.dataset.textCustom : badge.dataset.textDefault;
    badge.classList.toggle('lk-badge-accent', custom);
  }

  function currentMailEditor(box) {
    const kind = box.querySelector('[data-lk-mail-kind]').value;
    const language = box.querySelector('[data-lk-mail-language]').value;
    return box.querySelector(`[data-lk-mail-editor][data-kind="${CSS.escape(kind)}"][data-language="${CSS.escape(language)}"]`);
  }

  function showMailEditor(box) {
    const current = currentMailEditor(box);
    for (const editor of box.querySelectorAll('[data-lk-mail-editor]')) editor.hidden = editor !== current;
    schedulePreview(box, 0);
  }

  let previewTimer = null;
  let previewRound = 0;
  function schedulePreview(box, delay = 350) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => { void refreshPreview(box); }, delay);
  }

  async function refreshPreview(box) {
    const editor = currentMailEditor(box);
    if (!editor) return;
    const cfg = config(box);
    const form = box.closest('form');
    const status = box.querySelector('[data-lk-preview-status]');
    const include = form && form.elements.namedItem('includePasswordInChangeMail');
    const round = ++previewRound;
    try {
      const mail = await call(cfg, 'POST', '/mail/preview', {
        kind: editor.dataset.kind,
        language: editor.dataset.language,
        subject: mailField(editor, 'subject').value,
        body: mailField(editor, 'body').value,
        includePassword: include ? include.checked : undefined,
      });
      if (round !== previewRound) return; // a newer preview is on its way
      markPreviewProblem(box, editor, null);
      box.querySelector('[data-lk-preview-subject]').textContent = mail.subject;
      box.querySelector('[data-lk-preview-text]').textContent = mail.text;
      box._previewHtml = mail.html;
      const frame = box.querySelector('[data-lk-preview-html] iframe');
      if (frame) frame.srcdoc = mail.html;
      status.textContent = '';
    } catch (error) {
      if (round !== previewRound) return;
      const issue = error.issues && error.issues[0];
      markPreviewProblem(box, editor, issue ? issue.field : null);
      status.textContent = say(cfg, 'previewFailed', { reason: issue ? issue.message : error.message });
      box.querySelector('.lk-mail-preview').classList.add('lk-preview-stale');
    }
  }

  /** The preview names the field it refused (subject or body); a good preview clears the mark. */
  function markPreviewProblem(box, editor, field) {
    box.querySelector('.lk-mail-preview').classList.remove('lk-preview-stale');
    for (const input of box.querySelectorAll('[data-lk-mail-field][data-lk-preview-invalid]')) {
      input.removeAttribute('data-lk-preview-invalid');
      input.removeAttribute('aria-invalid');
    }
    const input = field === 'subject' || field === 'body' ? mailField(editor, field) : null;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('data-lk-preview-invalid', '');
    }
  }

  /** A refused template text may sit in an editor that is not shown: show it. */
  function revealMailError(form) {
    const invalid = form.querySelector('[data-lk-mail-field][aria-invalid="true"]');
    const editor = invalid && invalid.closest('[data-lk-mail-editor]');
    if (!editor || !editor.hidden) return;
    const box = editor.closest('[data-lk-mail-templates]');
    box.querySelector('[data-lk-mail-kind]').value = editor.dataset.kind;
    box.querySelector('[data-lk-mail-language]').value = editor.dataset.language;
    showMailEditor(box);
    invalid.focus();
  }

  /**
   * Plain text or the mail as sent. The HTML part only ever goes into a frame
   * sandboxed without any permission (no scripts, an opaque origin), built
   * here when first asked for: never into this page.
   */
  function showPreviewView(box, view) {
    for (const button of box.querySelectorAll('[data-lk-preview-view]')) {
      button.setAttribute('aria-pressed', String(button.dataset.lkPreviewView === view));
    }
    const slot = box.querySelector('[data-lk-preview-html]');
    box.querySelector('[data-lk-preview-text]').hidden = view === 'html';
    slot.hidden = view !== 'html';
    if (view === 'html' && !slot.querySelector('iframe')) {
      const frame = document.createElement('iframe');
      frame.setAttribute('sandbox', '');
      frame.setAttribute('referrerpolicy', 'no-referrer');
      frame.className = 'lk-preview-frame';
      frame.title = slot.dataset.title || '';
      slot.append(frame);
      if (box._previewHtml) frame.srcdoc = box._previewHtml;
      else schedulePreview(box, 0);
    }
  }

  let lastMailField = null;
  function insertToken(box, token) {
    const editor = currentMailEditor(box);
    if (!editor) return;
    const field = lastMailField && editor.contains(lastMailField) ? lastMailField : mailField(editor, 'body');
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? field.value.length;
    field.setRangeText(token, start, end, 'end');
    field.focus();
    showMailState(editor);
    schedulePreview(box);
  }

  // ---- watching -----------------------------------------------------------
  async function toggleWatch(box) {
    const cfg = config(box);
    const wanted = box.checked;
    box.disabled = true;
    try {
      await call(cfg, 'PUT', `/entries/${encodeURIComponent(box.dataset.lkWatch)}/watch`, { watch: wanted });
      toast(cfg, say(cfg, wanted ? 'watchOn' : 'watchOff'));
    } catch (error) {
      box.checked = !wanted;
      toast(cfg, error.message || say(cfg, 'failed'));
    } finally {
      box.disabled = false;
    }
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
      } else if (data.lkAddonConfirm !== undefined) {
        // `{ action, input }`; the confirm dialog first says what the button does (its data-lk-confirm-title and -text).
        const item = JSON.parse(data.lkAddonConfirm);
        const dialog = cfg.panel.querySelector('[data-lk-confirm-dialog]');
        dialog.querySelector('h2').textContent = data.lkConfirmTitle || '';
        dialog.querySelector('[data-lk-confirm-text]').textContent = data.lkConfirmText || '';
        const form = dialog.querySelector('form');
        clearErrors(form);
        form._confirm = () => call(cfg, 'POST', addonPath(target, item.action), item.input);
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
      } else if (data.lkMailReset !== undefined) {
        const editor = target.closest('[data-lk-mail-editor]');
        mailField(editor, 'subject').value = editor.dataset.defaultSubject;
        mailField(editor, 'body').value = editor.dataset.defaultBody;
        showMailState(editor);
        schedulePreview(editor.closest('[data-lk-mail-templates]'), 0);
        toast(cfg, say(cfg, 'templateReset'));
      } else if (data.lkPreviewView !== undefined) {
        showPreviewView(target.closest('[data-lk-mail-templates]'), data.lkPreviewView);
      } else if (data.lkInsert !== undefined) {
        insertToken(target.closest('[data-lk-mail-templates]'), data.lkInsert);
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
        for (const editor of form.querySelectorAll('[data-lk-mail-editor]')) showMailState(editor);
        toast(cfg, say(cfg, 'saved'));
      } catch (error) {
        showErrors(form, error);
        revealMailError(form);
      }
    } else if (form.matches('[data-lk-addon-form]')) {
      event.preventDefault();
      try {
        await call(cfg, 'POST', addonPath(form, form.dataset.lkAddonForm), addonFormInput(form));
        clearErrors(form);
        toast(cfg, say(cfg, 'saved'));
        location.reload();
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

  document.addEventListener('input', (event) => {
    const field = event.target;
    if (!(field instanceof Element)) return;
    if (field.matches('[data-lk-mail-field]')) {
      showMailState(field.closest('[data-lk-mail-editor]'));
      schedulePreview(field.closest('[data-lk-mail-templates]'));
    } else if (field.matches('[data-lk-entry-form] input[name="reminderDays"]')) {
      setReminderMode(field.form, 'every');
    }
  });

  document.addEventListener('focusin', (event) => {
    if (event.target instanceof Element && event.target.matches('[data-lk-mail-field]')) lastMailField = event.target;
  });

  document.addEventListener('change', async (event) => {
    const select = event.target;
    if (select instanceof HTMLInputElement && select.matches('[data-lk-watch]')) {
      await toggleWatch(select);
      return;
    }
    if (select instanceof HTMLInputElement && select.matches('[data-lk-entry-form] input[name="reminderMode"][value="every"]')) {
      select.form.elements.namedItem('reminderDays').focus();
      return;
    }
    if (select instanceof HTMLInputElement && select.name === 'includePasswordInChangeMail') {
      const box = select.form && select.form.querySelector('[data-lk-mail-templates]');
      if (box) schedulePreview(box, 0);
      return;
    }
    if (select instanceof HTMLSelectElement && (select.matches('[data-lk-mail-kind]') || select.matches('[data-lk-mail-language]'))) {
      showMailEditor(select.closest('[data-lk-mail-templates]'));
      return;
    }
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

// A framed page (WHMCS, the Zendesk sidebar) tells the page around it how tall
// its content is, on load and whenever that changes, so the host can size the
// frame to fit. The frame does not know its parent's origin, so the message
// goes to '*' and carries the height only, nothing else; the host's listener
// checks where it came from (see adapters/whmcs Bridge::autoHeightScript).
(() => {
  'use strict';
  if (window.parent === window || window.__latchkeyHeightReporter) return;
  window.__latchkeyHeightReporter = true;
  let last = -1;
  // The document's own height, not the frame's: <html> is as tall as its
  // content, however tall the frame is. An open modal dialog sits above the
  // page and may be taller than it: the frame then grows to show it whole.
  const measure = () => {
    let height = document.documentElement.getBoundingClientRect().height;
    for (const dialog of document.querySelectorAll('dialog[open]')) height = Math.max(height, dialog.scrollHeight + 48);
    return Math.ceil(height);
  };
  const report = () => {
    const height = measure();
    if (height === last || height <= 0) return;
    last = height;
    window.parent.postMessage({ type: 'latchkey:height', height }, '*');
  };
  if (typeof ResizeObserver === 'function') {
    const observer = new ResizeObserver(report);
    observer.observe(document.documentElement);
    for (const dialog of document.querySelectorAll('dialog')) observer.observe(dialog);
  }
  window.addEventListener('load', report);
  report();
})();
