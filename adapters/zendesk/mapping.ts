import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * What a link ties together:
 * - `agent`: a Zendesk agent (user id) → the host admin Latchkey knows them as;
 * - `user`: a Zendesk end user (user id) → a host client;
 * - `email`: an end user's email address → a host client;
 * - `organization`: a Zendesk organization (id) → a host client;
 * - `ticket`: a Zendesk ticket → the client it was last opened for (written by
 *   the sidebar itself, read by `withZendeskTickets`).
 */
export const ZENDESK_LINK_KINDS = ['agent', 'user', 'email', 'organization', 'ticket'] as const;
export type ZendeskLinkKind = (typeof ZENDESK_LINK_KINDS)[number];

export interface ZendeskLink {
  kind: ZendeskLinkKind;
  /** A Zendesk numeric id, or for `email` a lower-cased address. */
  zendeskId: string;
  /** A host admin id (`agent`) or host client id (every other kind). */
  latchkeyId: string;
  /** A note for the installer, or a ticket's subject. */
  label: string | null;
}

export type ZendeskLinkInput = Omit<ZendeskLink, 'label'> & { label?: string | null };

/**
 * The links an installer manages between one Zendesk account and the host
 * platform. Look-ups take many ids and answer in one go; unknown ids are absent.
 */
export interface ZendeskMapping {
  find(kind: ZendeskLinkKind, zendeskIds: readonly string[]): Promise<Map<string, ZendeskLink>>;
  /** Adds the link, or replaces the one with the same kind and Zendesk id. */
  link(input: ZendeskLinkInput): Promise<ZendeskLink>;
  /** True when there was such a link. */
  unlink(kind: ZendeskLinkKind, zendeskId: string): Promise<boolean>;
  list(kind?: ZendeskLinkKind): Promise<ZendeskLink[]>;
  /**
   * The `limit` links of one kind with the largest Zendesk ids (for tickets,
   * the newest) and how many there are: ticket links grow with every ticket
   * opened, so a page never loads them all.
   */
  newest(kind: ZendeskLinkKind, limit: number): Promise<{ links: ZendeskLink[]; total: number }>;
}

const ZENDESK_ID = /^[0-9]{1,20}$/;
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}$/;
const HOST_ID = /^[A-Za-z0-9_.:@-]{1,64}$/;

/** The Zendesk id as stored: digits, or a trimmed lower-case email for `email`; null when it is neither. */
export function normaliseZendeskId(kind: ZendeskLinkKind, raw: unknown): string | null {
  const text = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (kind === 'email') {
    const email = text.toLowerCase();
    return email.length <= 254 && EMAIL.test(email) ? email : null;
  }
  return ZENDESK_ID.test(text) ? text : null;
}

/** Checks and normalises a link, or throws a TypeError naming what is wrong. */
export function checkLink(input: ZendeskLinkInput): ZendeskLink {
  if (!(ZENDESK_LINK_KINDS as readonly string[]).includes(input.kind)) throw new TypeError(`zendesk link: unknown kind "${String(input.kind)}"`);
  const zendeskId = normaliseZendeskId(input.kind, input.zendeskId);
  if (zendeskId === null) {
    throw new TypeError(`zendesk link: "${String(input.zendeskId).slice(0, 60)}" is not a Zendesk ${input.kind === 'email' ? 'email address' : 'id'}`);
  }
  if (typeof input.latchkeyId !== 'string' || !HOST_ID.test(input.latchkeyId)) {
    throw new TypeError(`zendesk link: "${String(input.latchkeyId).slice(0, 70)}" is not a host ${input.kind === 'agent' ? 'admin' : 'client'} id`);
  }
  const label = input.label == null ? null : String(input.label).replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 200) || null;
  return { kind: input.kind, zendeskId, latchkeyId: input.latchkeyId, label };
}

/** Byte order, as the database's binary collation sorts. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byKindAndId = (a: ZendeskLink, b: ZendeskLink) => compare(a.kind, b.kind) || compare(a.zendeskId, b.zendeskId);

const keyOf = (kind: ZendeskLinkKind, zendeskId: string) => `${kind}|${zendeskId}`;

/** Links kept in memory: for tests, and the base of the JSON file store. */
export class MemoryZendeskMapping implements ZendeskMapping {
  protected readonly links = new Map<string, ZendeskLink>();

  constructor(initial: readonly ZendeskLinkInput[] = []) {
    for (const link of initial) {
      const checked = checkLink(link);
      this.links.set(keyOf(checked.kind, checked.zendeskId), checked);
    }
  }

  async find(kind: ZendeskLinkKind, zendeskIds: readonly string[]): Promise<Map<string, ZendeskLink>> {
    const found = new Map<string, ZendeskLink>();
    for (const raw of zendeskIds) {
      const id = normaliseZendeskId(kind, raw);
      const link = id === null ? undefined : this.links.get(keyOf(kind, id));
      if (link) found.set(raw, { ...link });
    }
    return found;
  }

  async link(input: ZendeskLinkInput): Promise<ZendeskLink> {
    const checked = checkLink(input);
    this.links.set(keyOf(checked.kind, checked.zendeskId), checked);
    this.changed();
    return { ...checked };
  }

  async unlink(kind: ZendeskLinkKind, zendeskId: string): Promise<boolean> {
    const id = normaliseZendeskId(kind, zendeskId);
    const removed = id !== null && this.links.delete(keyOf(kind, id));
    if (removed) this.changed();
    return removed;
  }

  async list(kind?: ZendeskLinkKind): Promise<ZendeskLink[]> {
    return [...this.links.values()]
      .filter((link) => !kind || link.kind === kind)
      .sort(byKindAndId)
      .map((link) => ({ ...link }));
  }

  async newest(kind: ZendeskLinkKind, limit: number): Promise<{ links: ZendeskLink[]; total: number }> {
    const all = await this.list(kind);
    all.sort((a, b) => b.zendeskId.length - a.zendeskId.length || (a.zendeskId < b.zendeskId ? 1 : a.zendeskId > b.zendeskId ? -1 : 0));
    return { links: all.slice(0, limit), total: all.length };
  }

  /** Called after every change. */
  protected changed(): void {}
}

/**
 * Links in a JSON file the installer may edit by hand (an array of
 * `{ kind, zendeskId, latchkeyId, label? }`), read once at start-up and
 * rewritten whole on every change (to a temporary file, then renamed). For one
 * app instance; several instances sharing links want `KnexZendeskMapping`.
 */
export class JsonFileZendeskMapping extends MemoryZendeskMapping {
  constructor(private readonly path: string) {
    super(existsSync(path) ? parseLinks(readFileSync(path, 'utf8'), path) : []);
  }

  protected override changed(): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    const links = [...this.links.values()].sort(byKindAndId);
    writeFileSync(tmp, `${JSON.stringify(links, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

function parseLinks(text: string, path: string): ZendeskLinkInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TypeError(`zendesk links: ${path} is not valid JSON`);
  }
  if (!Array.isArray(parsed)) throw new TypeError(`zendesk links: ${path} must hold an array of links`);
  return parsed as ZendeskLinkInput[];
}
