import { ApiError, messageOf, type Issue } from './api-client.ts';

/** Puts each refused field's message beside it and marks the field invalid; the summary goes on top. */
export function showErrors(form: HTMLFormElement, error: unknown): void {
  clearErrors(form);
  const message = messageOf(error);
  const issues: readonly Issue[] = error instanceof ApiError && error.issues.length
    ? error.issues
    : [{ field: (error instanceof ApiError ? error.field : undefined) || '(form)', message }];
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
  if (top && (!shown || message)) top.textContent = message;
}

export function clearErrors(form: HTMLFormElement): void {
  for (const el of form.querySelectorAll('[data-lk-error-for]')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}
