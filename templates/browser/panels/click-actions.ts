import { downloadCsv, markReviewed } from './access-review.ts';
import { addonPath } from './addon-sections.ts';
import { call, messageOf } from './api-client.ts';
import { openCategoryDialog } from './category-dialog.ts';
import { copyText } from './clipboard.ts';
import { copyField } from './copy-field.ts';
import { askToConfirm } from './confirm-dialog.ts';
import { closeDialogOf, enclosing, required } from './dom.ts';
import { parseEditable, type AddonConfirm, type Deletable, type EditableCategory, type EditableEntry } from './editable.ts';
import { openEntryDialog } from './entry-dialog.ts';
import { openHistory } from './history-dialog.ts';
import { insertToken, resetMailEditor, showPreviewView } from './mail-templates.ts';
import { configOf, say, type PanelConfig } from './panel-config.ts';
import { fill } from './placeholders.ts';
import { toggleSecret } from './secret-display.ts';
import { openShareDialog } from './share-dialog.ts';
import { filterByTag } from './tag-filter.ts';
import { removeChip } from './tag-input.ts';
import { generatorRules } from './generator-rules.ts';
import { showStrength } from './password-strength.ts';
import { toast } from './toast.ts';

/** A click on a button or link of a panel does what its `data-lk-*` attribute names; a failure shows as a toast. */
export async function onPanelClick(event: MouseEvent): Promise<void> {
  const target = event.target instanceof Element ? event.target.closest('button, a') : null;
  if (!(target instanceof HTMLElement) || !target.closest('[data-lk-api]')) return;
  const cfg = configOf(target);
  try {
    await act(cfg, target);
  } catch (error) {
    toast(cfg, messageOf(error) || say(cfg, 'failed'));
  }
}

async function act(cfg: PanelConfig, target: HTMLElement): Promise<void> {
  const data = target.dataset;
  const mailBox = () => enclosing(target, '[data-lk-mail-templates]', HTMLElement);
  if (data.lkReveal !== undefined) {
    await toggleSecret(cfg, target, data.lkReveal);
  } else if (data.lkCopy !== undefined) {
    await copyField(cfg, data.lkCopy, data.lkField);
  } else if (data.lkCopyText !== undefined) {
    await copyText(cfg, data.lkCopyText);
  } else if (data.lkNew !== undefined) {
    openEntryDialog(cfg, null);
  } else if (data.lkEdit !== undefined) {
    openEntryDialog(cfg, parseEditable<EditableEntry>(data.lkEdit));
  } else if (data.lkShare !== undefined) {
    openShareDialog(cfg, parseEditable<EditableEntry>(data.lkShare));
  } else if (data.lkHistory !== undefined) {
    await openHistory(cfg, data.lkHistory, data.lkEntryName ?? '', data.lkHistoryVersion ? Number(data.lkHistoryVersion) : undefined);
  } else if (data.lkDelete !== undefined || data.lkCategoryDelete !== undefined) {
    const entry = data.lkDelete !== undefined;
    const item = parseEditable<Deletable>(data.lkDelete ?? data.lkCategoryDelete ?? '');
    askToConfirm(cfg, (dialog) => {
      const text = required(dialog, '[data-lk-confirm-text]', HTMLElement);
      text.textContent = fill(text.dataset.template ?? '', { name: item.name });
    }, () => entry
      ? call(cfg, 'DELETE', `/entries/${encodeURIComponent(item.id)}?version=${encodeURIComponent(String(item.version))}`)
      : call(cfg, 'DELETE', `/categories/${encodeURIComponent(item.id)}`));
  } else if (data.lkAddonConfirm !== undefined) {
    // `{ action, input }`; the confirm dialog first says what the button does (its data-lk-confirm-title and -text).
    const item = parseEditable<AddonConfirm>(data.lkAddonConfirm);
    askToConfirm(cfg, (dialog) => {
      required(dialog, 'h2', HTMLElement).textContent = data.lkConfirmTitle || '';
      required(dialog, '[data-lk-confirm-text]', HTMLElement).textContent = data.lkConfirmText || '';
    }, () => call(cfg, 'POST', addonPath(target, item.action), item.input));
  } else if (data.lkCategoryNew !== undefined) {
    openCategoryDialog(cfg, null);
  } else if (data.lkCategoryEdit !== undefined) {
    openCategoryDialog(cfg, parseEditable<EditableCategory>(data.lkCategoryEdit));
  } else if (data.lkTagRemove !== undefined) {
    removeChip(target);
  } else if (data.lkTag !== undefined && target instanceof HTMLButtonElement) {
    filterByTag(cfg, data.lkTag);
  } else if (data.lkTagFilterClear !== undefined) {
    filterByTag(cfg, null);
  } else if (data.lkClose !== undefined) {
    closeDialogOf(target);
  } else if (data.lkGenerate !== undefined) {
    const form = enclosing(target, 'form', HTMLFormElement);
    const result = await call<{ password: string }>(cfg, 'POST', '/password', generatorRules(form));
    const input = required(form, '[data-lk-password-input]', HTMLInputElement);
    input.value = result.password;
    input.type = 'text';
    showStrength(cfg, form);
  } else if (data.lkMailReset !== undefined) {
    resetMailEditor(enclosing(target, '[data-lk-mail-editor]', HTMLElement));
    toast(cfg, say(cfg, 'templateReset'));
  } else if (data.lkPreviewView !== undefined) {
    showPreviewView(mailBox(), data.lkPreviewView);
  } else if (data.lkInsert !== undefined) {
    insertToken(mailBox(), data.lkInsert);
  } else if (data.lkMarkReviewed !== undefined) {
    await markReviewed(cfg);
  } else if (data.lkDownloadCsv !== undefined) {
    await downloadCsv(cfg, data.lkDownloadCsv);
  } else if (data.lkTogglePassword !== undefined) {
    const input = required(enclosing(target, 'form', HTMLFormElement), '[data-lk-password-input]', HTMLInputElement);
    input.type = input.type === 'password' ? 'text' : 'password';
    target.textContent = input.type === 'password' ? say(cfg, 'show') : say(cfg, 'hide');
  }
}
