import { LatchkeyError } from '../errors.ts';

/**
 * What the audit chain looked like at one moment, MACed with the audit key:
 * kept outside the database (a file, the host's log), it lets `verify` find a
 * chain cut, emptied or rolled back to before it. One line of JSON.
 */
export interface AuditCheckpoint {
  /** The last event's sequence number (0 for an empty trail). */
  seq: number;
  /** The last event's MAC. */
  head: string;
  /** How many events the chain held. */
  events: number;
  /** When the checkpoint was taken (ISO 8601, UTC). */
  at: string;
  /** The key the checkpoint is MACed with. */
  keyId: string;
  mac: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,40}$/;
const MARKER = 'latchkeyAuditCheckpoint';

/** One checkpoint as the line `npx latchkey audit checkpoint` prints and appends. */
export function formatAuditCheckpoint(checkpoint: AuditCheckpoint): string {
  const { seq, head, events, at, keyId, mac } = checkpoint;
  return JSON.stringify({ [MARKER]: 1, seq, head, events, at, keyId, mac });
}

/**
 * Reads the checkpoints of a file the installer keeps: one per line, blank
 * lines and lines starting with `#` skipped. Anything else that is not a
 * checkpoint is refused, naming the line, rather than skipped.
 */
export function parseAuditCheckpoints(text: string, source = 'checkpoints'): AuditCheckpoint[] {
  const found: AuditCheckpoint[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const checkpoint = readCheckpoint(line);
    if (!checkpoint) throw new LatchkeyError('invalid_input', `${source}, line ${index + 1}: not a Latchkey audit checkpoint`);
    found.push(checkpoint);
  }
  return found;
}

function readCheckpoint(line: string): AuditCheckpoint | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  const count = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (c[MARKER] !== 1 || !count(c.seq) || !count(c.events)) return null;
  if (typeof c.head !== 'string' || !HEX64.test(c.head) || typeof c.mac !== 'string' || !HEX64.test(c.mac)) return null;
  if (typeof c.keyId !== 'string' || !KEY_ID.test(c.keyId)) return null;
  if (typeof c.at !== 'string' || Number.isNaN(Date.parse(c.at))) return null;
  return { seq: c.seq as number, head: c.head, events: c.events as number, at: c.at, keyId: c.keyId, mac: c.mac };
}
