import { ApiError, call, messageOf } from './api-client.ts';
import { all, enclosing, optional, required } from './dom.ts';
import { configOf, say } from './panel-config.ts';

// The settings page's mail editor: one editor per kind and language, of
// which the kind and language selects show one, and a live preview beside it.
// Only texts that differ from the default are saved, so an untouched
// language keeps following the translations.

// A type, not an interface: the settings payload takes it as a plain record.
type MailText = {
  subject: string;
  body: string;
};

/** What `/mail/preview` answers. */
interface MailPreview {
  subject: string;
  text: string;
  html: string;
}

/** The settings form's subject or body field of `editor`. */
function mailField(editor: Element, which: 'subject' | 'body'): HTMLInputElement | HTMLTextAreaElement {
  return optional(editor, `[data-lk-mail-field="${which}"]`, HTMLInputElement) ?? required(editor, `[data-lk-mail-field="${which}"]`, HTMLTextAreaElement);
}

const normalise = (text: string) => text.replace(/\r\n?/g, '\n').trim();

function mailText(editor: HTMLElement): MailText {
  const subject = normalise(mailField(editor, 'subject').value);
  const body = normalise(mailField(editor, 'body').value);
  // A field left empty means the default text for that field.
  return { subject: subject || (editor.dataset.defaultSubject ?? ''), body: body || (editor.dataset.defaultBody ?? '') };
}

function isCustomised(editor: HTMLElement): boolean {
  const text = mailText(editor);
  return text.subject !== normalise(editor.dataset.defaultSubject ?? '') || text.body !== normalise(editor.dataset.defaultBody ?? '');
}

/** The customised texts, by kind and language. */
export function mailTemplatesPayload(form: HTMLFormElement): Record<string, Record<string, MailText>> {
  const out: Record<string, Record<string, MailText>> = {};
  for (const editor of all(form, '[data-lk-mail-editor]', HTMLElement)) {
    if (!isCustomised(editor)) continue;
    const kind = editor.dataset.kind ?? '';
    const byLanguage = out[kind] ?? (out[kind] = {});
    byLanguage[editor.dataset.language ?? ''] = mailText(editor);
  }
  return out;
}

/** The editor's badge says whether its text is the default or customised. */
export function showMailState(editor: HTMLElement): void {
  const badge = optional(editor, '[data-lk-mail-state]', HTMLElement);
  if (!badge) return;
  const custom = isCustomised(editor);
  badge.textContent = (custom ? badge.dataset.textCustom : badge.dataset.textDefault) ?? '';
  badge.classList.toggle('lk-badge-accent', custom);
}

function currentMailEditor(box: Element): HTMLElement | null {
  const kind = required(box, '[data-lk-mail-kind]', HTMLSelectElement).value;
  const language = required(box, '[data-lk-mail-language]', HTMLSelectElement).value;
  return optional(box, `[data-lk-mail-editor][data-kind="${CSS.escape(kind)}"][data-language="${CSS.escape(language)}"]`, HTMLElement);
}

/** Shows the editor the kind and language selects name, and previews it. */
export function showMailEditor(box: Element): void {
  const current = currentMailEditor(box);
  for (const editor of all(box, '[data-lk-mail-editor]', HTMLElement)) editor.hidden = editor !== current;
  schedulePreview(box, 0);
}

let previewTimer: ReturnType<typeof setTimeout> | undefined;
let previewRound = 0;
/** The HTML of the last preview, by mail editor box, for the HTML view opened later. */
const previewHtml = new WeakMap<Element, string>();

/** Previews the shown editor after `delay` ms of quiet (typing restarts the wait). */
export function schedulePreview(box: Element, delay = 350): void {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => { void refreshPreview(box); }, delay);
}

async function refreshPreview(box: Element): Promise<void> {
  const editor = currentMailEditor(box);
  if (!editor) return;
  const cfg = configOf(box);
  const form = box.closest('form');
  const status = required(box, '[data-lk-preview-status]', HTMLElement);
  const include = form?.elements.namedItem('includePasswordInChangeMail');
  const round = ++previewRound;
  try {
    const mail = await call<MailPreview>(cfg, 'POST', '/mail/preview', {
      kind: editor.dataset.kind,
      language: editor.dataset.language,
      subject: mailField(editor, 'subject').value,
      body: mailField(editor, 'body').value,
      includePassword: include instanceof HTMLInputElement ? include.checked : undefined,
    });
    if (round !== previewRound) return; // a newer preview is on its way
    markPreviewProblem(box, editor, null);
    required(box, '[data-lk-preview-subject]', HTMLElement).textContent = mail.subject;
    required(box, '[data-lk-preview-text]', HTMLElement).textContent = mail.text;
    previewHtml.set(box, mail.html);
    const frame = optional(box, '[data-lk-preview-html] iframe', HTMLIFrameElement);
    if (frame) frame.srcdoc = mail.html;
    status.textContent = '';
  } catch (error) {
    if (round !== previewRound) return;
    const issue = error instanceof ApiError ? error.issues[0] : undefined;
    markPreviewProblem(box, editor, issue ? issue.field ?? null : null);
    status.textContent = say(cfg, 'previewFailed', { reason: issue ? issue.message : messageOf(error) });
    required(box, '.lk-mail-preview', HTMLElement).classList.add('lk-preview-stale');
  }
}

/** The preview names the field it refused (subject or body); a good preview clears the mark. */
function markPreviewProblem(box: Element, editor: HTMLElement, field: string | null): void {
  required(box, '.lk-mail-preview', HTMLElement).classList.remove('lk-preview-stale');
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
export function revealMailError(form: HTMLFormElement): void {
  const invalid = optional(form, '[data-lk-mail-field][aria-invalid="true"]', HTMLElement);
  const editor = invalid?.closest('[data-lk-mail-editor]');
  if (!invalid || !(editor instanceof HTMLElement) || !editor.hidden) return;
  const box = enclosing(editor, '[data-lk-mail-templates]', HTMLElement);
  required(box, '[data-lk-mail-kind]', HTMLSelectElement).value = editor.dataset.kind ?? '';
  required(box, '[data-lk-mail-language]', HTMLSelectElement).value = editor.dataset.language ?? '';
  showMailEditor(box);
  invalid.focus();
}

/**
 * Plain text or the mail as sent. The HTML part only ever goes into a frame
 * sandboxed without any permission (no scripts, an opaque origin), built
 * here when first asked for: never into this page.
 */
export function showPreviewView(box: Element, view: string): void {
  for (const button of all(box, '[data-lk-preview-view]', HTMLElement)) {
    button.setAttribute('aria-pressed', String(button.dataset.lkPreviewView === view));
  }
  const slot = required(box, '[data-lk-preview-html]', HTMLElement);
  required(box, '[data-lk-preview-text]', HTMLElement).hidden = view === 'html';
  slot.hidden = view !== 'html';
  if (view === 'html' && !slot.querySelector('iframe')) {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', '');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.className = 'lk-preview-frame';
    frame.title = slot.dataset.title || '';
    slot.append(frame);
    const html = previewHtml.get(box);
    if (html) frame.srcdoc = html;
    else schedulePreview(box, 0);
  }
}

let lastMailField: Element | null = null;

/** Remembers the subject or body field last focused: a placeholder token goes there. */
export function noteMailFieldFocus(field: Element): void {
  lastMailField = field;
}

/** Inserts a placeholder token at the caret of the field last focused (the body if none). */
export function insertToken(box: Element, token: string): void {
  const editor = currentMailEditor(box);
  if (!editor) return;
  const field = (lastMailField instanceof HTMLInputElement || lastMailField instanceof HTMLTextAreaElement) && editor.contains(lastMailField)
    ? lastMailField
    : mailField(editor, 'body');
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? field.value.length;
  field.setRangeText(token, start, end, 'end');
  field.focus();
  showMailState(editor);
  schedulePreview(box);
}

/** Puts the editor back to the default texts. */
export function resetMailEditor(editor: HTMLElement): void {
  mailField(editor, 'subject').value = editor.dataset.defaultSubject ?? '';
  mailField(editor, 'body').value = editor.dataset.defaultBody ?? '';
  showMailState(editor);
  schedulePreview(enclosing(editor, '[data-lk-mail-templates]', HTMLElement), 0);
}
