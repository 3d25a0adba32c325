import { call } from './api-client.ts';
import type { PanelConfig } from './panel-config.ts';

/** Marks access reviewed (the server audits it), then shows the page afresh: no changes since this review. */
export async function markReviewed(cfg: PanelConfig): Promise<void> {
  await call(cfg, 'POST', '/access-review');
  location.reload();
}

/**
 * Downloads a CSV the API composed (spreadsheet-safe cells): the text comes
 * as JSON through the session's own API call, and is saved from a blob, so
 * no address ever carries it.
 */
export async function downloadCsv(cfg: PanelConfig, path: string): Promise<void> {
  const file = await call<{ filename: string; csv: string }>(cfg, 'GET', path);
  const url = URL.createObjectURL(new Blob([file.csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
