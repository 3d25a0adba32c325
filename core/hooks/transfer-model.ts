import { IMPORT_FORMATS } from '../import/import-formats.ts';
import type { ImportRowStatus } from '../services/import-service.ts';

const STATUSES: readonly ImportRowStatus[] = ['create', 'alreadyThere', 'skipped', 'invalid', 'noClient'];

/** What the import and export forms (partials/transfer.hbs) show, on the addon pages and in the client area alike. */
export function transferForms(exportCategories: ReadonlyArray<{ id: string; name: string }> = []): object {
  return {
    importFormats: IMPORT_FORMATS,
    // Each status's label rides on the table as `data-status-<kebab>`, for rows the script adds.
    importStatuses: STATUSES.map((status) => ({ attr: status.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), labelKey: `transfer.statuses.${status}` })),
    exportCategories: exportCategories.map((c) => ({ id: c.id, name: c.name })),
  };
}
