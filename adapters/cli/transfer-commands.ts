import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  IMPORT_FORMATS, LatchkeyError, type Actor, type ColumnMapping, type ImportOutcome, type ImportPreview, type Latchkey,
} from '../../core/index.ts';

type WithVault = (body: (lk: Latchkey) => Promise<void>, needsHost?: boolean) => Promise<void>;

/** `latchkey import` and `latchkey export`, acting as one admin of the host (its rights, its audit trail). */
export function addTransferCommands(program: Command, withVault: WithVault): void {
  program.command('import')
    .description(`import another tool's export, acting as an admin (needs LATCHKEY_HOST_MODULE); formats: ${IMPORT_FORMATS.join(', ')}`)
    .argument('<file>', 'the export file')
    .requiredOption('--format <format>', 'the tool that wrote the file')
    .requiredOption('--admin <id>', 'the host admin the import acts as')
    .option('--client <id>', 'every row goes to this client')
    .option('--map-column <by>', "each row's organization/owner names its client by id, email or name")
    .option('--columns <mapping>', 'generic CSV: field=column pairs, e.g. name=Title,username=Login,password=Secret,url=Site')
    .option('--folders-as-categories', 'folder and group names become categories')
    .option('--dry-run', 'show what would be imported and write nothing')
    .action((file: string, options: ImportOptions) => withVault(async (lk) => {
      const actor: Actor = { kind: 'admin', adminId: options.admin };
      const request = {
        format: options.format as typeof IMPORT_FORMATS[number],
        content: readFileSync(file, 'utf8'),
        ...(options.columns ? { columns: columnMapping(options.columns) } : {}),
        ...(options.client ? { clientId: options.client } : {}),
        ...(options.mapColumn ? { matchClientsBy: options.mapColumn as 'id' | 'email' | 'name' } : {}),
        foldersAsCategories: options.foldersAsCategories === true,
      };
      if (options.dryRun) {
        const preview = await lk.imports.preview(actor, request);
        for (const row of preview.rows) console.log(rowLine(row));
        console.log(summaryLine(preview, null));
        return;
      }
      const outcome = await lk.imports.run(actor, request, progressBar(process.stderr));
      for (const row of outcome.rows.filter((r) => r.status === 'invalid' || r.status === 'noClient')) console.log(rowLine(row));
      console.log(summaryLine(outcome, outcome));
    }, true));

  program.command('export')
    .description('write everything an admin may see as CSV or Latchkey JSON (secrets count as revealed; needs LATCHKEY_HOST_MODULE)')
    .requiredOption('--admin <id>', 'the host admin the export acts as')
    .requiredOption('--out <file>', 'where to write the file (created with owner-only permissions)')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--client <id>', "only this client's entries")
    .option('--category <id>', "only this category's entries")
    .action((options: ExportOptions) => withVault(async (lk) => {
      if (options.format !== 'csv' && options.format !== 'json') throw new LatchkeyError('invalid_input', '--format must be csv or json');
      const file = await lk.exports.export({ kind: 'admin', adminId: options.admin }, {
        format: options.format, ...(options.client ? { clientId: options.client } : {}), ...(options.category ? { categoryId: options.category } : {}),
      });
      writeFileSync(options.out, file.body, { mode: 0o600 });
      console.log(`exported ${file.entries} entries (${file.revealed} with their secrets) to ${options.out}`);
    }, true));
}

interface ImportOptions {
  format: string; admin: string; client?: string; mapColumn?: string; columns?: string; foldersAsCategories?: boolean; dryRun?: boolean;
}
interface ExportOptions { admin: string; out: string; format: string; client?: string; category?: string }

function columnMapping(text: string): ColumnMapping {
  const mapping: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [field, column] = pair.split('=');
    if (!field || column === undefined) throw new LatchkeyError('invalid_input', `--columns: "${pair}" is not field=column`);
    mapping[field.trim()] = column.trim();
  }
  return mapping as unknown as ColumnMapping;
}

function rowLine(row: ImportPreview['rows'][number]): string {
  const where = row.clientName ? ` → ${row.clientName} (${row.clientId})` : '';
  const why = row.problems.length > 0 ? `: ${row.problems.map((p) => `${p.field} ${p.message}`).join('; ')}` : row.reason ? `: ${row.reason}` : '';
  return `line ${row.line}\t${row.status}\t${row.name}${where}${why}`;
}

function summaryLine(result: ImportPreview, outcome: ImportOutcome | null): string {
  const c = result.counts;
  const head = outcome ? `created ${outcome.created}` : `would create ${c.create}`;
  return `${head}; already there ${c.alreadyThere}; skipped ${c.skipped}; invalid ${c.invalid}; no client ${c.noClient}`;
}

/** A bar on a terminal, a line per tenth otherwise (a log file or a pipe). */
function progressBar(out: NodeJS.WriteStream): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const share = total === 0 ? 1 : done / total;
    if (out.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth !== lastTenth || done === total) {
      lastTenth = tenth;
      out.write(`imported ${done}/${total} (${Math.round(share * 100)}%)\n`);
    }
  };
}
