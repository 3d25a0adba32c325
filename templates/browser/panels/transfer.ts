// Import and export (partials/transfer.hbs): the file is read here with a FileReader and sent as
// JSON; Preview lists what each row would become, Confirm starts the import and follows its job
// until it ends. Export fetches the file and hands it to the browser as a download.
import { ApiError, call } from './api-client.ts';
import { all, enclosing, inputOf, optional, required } from './dom.ts';
import { clearErrors, showErrors } from './form-errors.ts';
import { configOf, type PanelConfig } from './panel-config.ts';
import { fill } from './placeholders.ts';

type Counts = Record<'create' | 'alreadyThere' | 'skipped' | 'invalid' | 'noClient', number>;

interface PlannedRow {
  line: number;
  name: string;
  status: keyof Counts;
  clientId: string | null;
  clientName: string | null;
  category: string | null;
  problems: Array<{ field: string; message: string }>;
  reason: string | null;
}

interface ImportJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  counts: Counts | null;
  created: number | null;
  error: string | null;
}

/** How often a running import's job is asked about. */
const POLL_MS = 500;

/** The request each import form last previewed: Confirm sends exactly that. */
const previewed = new WeakMap<HTMLFormElement, Record<string, unknown>>();

export async function onTransferSubmit(event: SubmitEvent): Promise<void> {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.matches('[data-lk-import-form]')) {
    event.preventDefault();
    await preview(configOf(form), form);
  } else if (form.matches('[data-lk-export-form]')) {
    event.preventDefault();
    const format = event.submitter instanceof HTMLButtonElement ? event.submitter.value : 'csv';
    await download(configOf(form), form, format);
  }
}

export async function onTransferClick(event: MouseEvent): Promise<void> {
  const button = event.target instanceof Element ? event.target.closest('[data-lk-import-confirm]') : null;
  if (button instanceof HTMLButtonElement) await confirm(configOf(button), button);
}

/** The import's target and the export's scope each show the fields they need. */
export function onTransferChange(event: Event): void {
  const field = event.target;
  if (!(field instanceof HTMLInputElement || field instanceof HTMLSelectElement) || !field.form) return;
  const form = field.form;
  if (form.matches('[data-lk-import-form]') && field.name === 'target') {
    for (const part of all(form, '[data-lk-import-for]', HTMLElement)) part.hidden = part.dataset.lkImportFor !== field.value;
  } else if (form.matches('[data-lk-export-form]') && field.name === 'scope') {
    for (const part of all(form, '[data-lk-export-for]', HTMLElement)) part.hidden = part.dataset.lkExportFor !== field.value;
  }
}

async function preview(cfg: PanelConfig, form: HTMLFormElement): Promise<void> {
  const section = enclosing(form, '.lk-transfer', HTMLElement);
  required(section, '[data-lk-import-plan]', HTMLElement).hidden = true;
  required(section, '[data-lk-import-progress]', HTMLElement).hidden = true;
  try {
    const request = await requestOf(form);
    const plan = await call<{ rows: PlannedRow[]; counts: Counts }>(cfg, 'POST', '/imports/preview', request);
    clearErrors(form);
    previewed.set(form, request);
    showPlan(section, plan.rows, plan.counts);
  } catch (error) {
    showErrors(form, error);
  }
}

async function confirm(cfg: PanelConfig, button: HTMLButtonElement): Promise<void> {
  const section = enclosing(button, '.lk-transfer', HTMLElement);
  const form = required(section, '[data-lk-import-form]', HTMLFormElement);
  const request = previewed.get(form);
  if (!request) return;
  button.disabled = true;
  try {
    const job = await call<ImportJob>(cfg, 'POST', '/imports', request);
    previewed.delete(form);
    required(section, '[data-lk-import-plan]', HTMLElement).hidden = true;
    required(section, '[data-lk-import-progress]', HTMLElement).hidden = false;
    await follow(cfg, section, job);
  } catch (error) {
    showErrors(form, error);
  } finally {
    button.disabled = false;
  }
}

/** Asks for the job until it ends (any app instance answers: the progress lives in the database). */
async function follow(cfg: PanelConfig, section: HTMLElement, started: ImportJob): Promise<void> {
  const bar = required(section, '[data-lk-import-progress] progress', HTMLProgressElement);
  const text = required(section, '[data-lk-import-progress] [role=status]', HTMLElement);
  let job = started;
  for (;;) {
    bar.max = Math.max(1, job.total);
    bar.value = job.done;
    if (job.status === 'done' && job.counts) {
      text.textContent = fill(text.dataset.done ?? '', { ...asText(job.counts), created: String(job.created ?? 0) });
      bar.value = bar.max;
      return;
    }
    if (job.status === 'failed') {
      text.textContent = fill(text.dataset.failed ?? '', { error: job.error ?? '' });
      return;
    }
    text.textContent = fill(text.dataset.running ?? '', { done: String(job.done), total: String(job.total) });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await call<ImportJob>(cfg, 'GET', `/imports/${encodeURIComponent(job.id)}`);
  }
}

/** The form as the import routes take it, with the file's text read here. */
async function requestOf(form: HTMLFormElement): Promise<Record<string, unknown>> {
  const file = inputOf(form, 'file').files?.[0];
  if (!file) throw new ApiError('', 'content', [{ field: 'content', message: form.dataset.noFile ?? '' }]);
  const content = await readText(file).catch(() => {
    throw new ApiError(form.dataset.readFailed ?? '', 'content', []);
  });
  const request: Record<string, unknown> = {
    format: required(form, 'select[name="format"]', HTMLSelectElement).value,
    content,
    foldersAsCategories: inputOf(form, 'foldersAsCategories').checked,
  };
  const target = optional(form, 'input[name="target"]:checked', HTMLInputElement)?.value ?? 'own';
  if (target === 'client') {
    const client = inputOf(form, 'clientId');
    request.clientId = client.dataset.lkPickedId ?? client.value.trim();
  } else if (target === 'match') {
    request.matchClientsBy = required(form, 'select[name="matchClientsBy"]', HTMLSelectElement).value;
  }
  return request;
}

function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsText(file, 'utf-8');
  });
}

/** Every row with its status, client and problems by field; values only ever as text. */
function showPlan(section: HTMLElement, rows: PlannedRow[], counts: Counts): void {
  const plan = required(section, '[data-lk-import-plan]', HTMLElement);
  const body = required(plan, '[data-lk-import-rows]', HTMLElement);
  const label = (status: string) => body.dataset[`status${status[0]!.toUpperCase()}${status.slice(1)}`] ?? status;
  const reason = (r: string) => body.dataset[r === 'notALogin' ? 'reasonNotALogin' : 'reasonArchived'] ?? r;
  // Each cell carries its column's name: on a narrow panel the rows become cards (latchkey.css, .lk-stack).
  const headers = all(required(plan, 'table', HTMLTableElement), 'thead th', HTMLElement).map((th) => th.textContent ?? '');
  body.replaceChildren(...rows.map((row) => {
    const tr = document.createElement('tr');
    tr.dataset.lkImportRow = String(row.line);
    tr.dataset.status = row.status;
    const problems = row.problems.map((p) => `${p.field}: ${p.message}`);
    if (row.reason) problems.push(reason(row.reason));
    [String(row.line), row.name, label(row.status), row.clientName ?? row.clientId ?? '', row.category ?? '', problems.join('; ')].forEach((value, i) => {
      const td = document.createElement('td');
      td.dataset.lkLabel = headers[i] ?? '';
      td.textContent = value;
      tr.append(td);
    });
    return tr;
  }));
  const countsText = required(plan, '[data-lk-import-counts]', HTMLElement);
  countsText.textContent = fill(countsText.dataset.template ?? '', asText(counts));
  required(plan, '[data-lk-import-confirm]', HTMLButtonElement).disabled = counts.create === 0;
  plan.hidden = false;
}

/** The export as a file to save: fetched with the panel's CSRF token, then handed to the browser. */
async function download(cfg: PanelConfig, form: HTMLFormElement, format: string): Promise<void> {
  const scope = optional(form, 'select[name="scope"]', HTMLSelectElement)?.value ?? 'all';
  const request: Record<string, string> = { format };
  if (scope === 'client') {
    const client = inputOf(form, 'clientId');
    request.clientId = client.dataset.lkPickedId ?? client.value.trim();
  }
  if (scope === 'category') request.categoryId = required(form, 'select[name="categoryId"]', HTMLSelectElement).value;
  try {
    const response = await fetch(`${cfg.api}/export`, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store', body: JSON.stringify(request),
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': cfg.csrf },
    });
    if (!response.ok) {
      const refusal = await response.json().catch(() => ({})) as { summary?: string; message?: string; field?: string; issues?: Array<{ field: string; message: string }> };
      throw new ApiError(refusal.summary ?? refusal.message ?? '', refusal.field, refusal.issues ?? []);
    }
    clearErrors(form);
    const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? `latchkey-export.${format}`;
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    form.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    showErrors(form, error);
  }
}

function asText(counts: Counts): Record<string, string> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)]));
}
