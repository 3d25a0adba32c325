import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeyProvider } from '../ports/key-provider.ts';

/** The fields of an audit row that its MAC covers (everything but the MAC itself). */
export interface SealedFields {
  seq: number | string;
  at: number | string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  entry_id: string | null;
  client_id: string | null;
  category_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
  prev_hash: string;
  /** The key that sealed the event; null for an unkeyed event written before migration 0006. */
  key_id: string | null;
}

/** A checkpoint's facts, without its MAC: what the chain looked like at `at`. */
export interface CheckpointFacts {
  seq: number;
  head: string;
  events: number;
  at: string;
  keyId: string;
}

/**
 * The audit trail's MACs, made by the KeyProvider under keys the database never
 * holds. Every MAC covers a canonical text that starts with what it seals (an
 * event, the chain head, a checkpoint), so none can pass for another, and
 * names its key id, so changing a recorded key id breaks it.
 */
export class AuditSeal {
  constructor(private readonly keys: KeyProvider) {}

  /** The key new events, heads and checkpoints are sealed with. */
  get activeKeyId(): string {
    return this.keys.activeKeyId;
  }

  async event(fields: SealedFields & { key_id: string }): Promise<string> {
    return this.keys.mac(fields.key_id, eventText(fields));
  }

  async head(keyId: string, seq: number, hash: string): Promise<string> {
    return this.keys.mac(keyId, JSON.stringify(['latchkey:audit:head:v1', keyId, seq, hash]));
  }

  async checkpoint(facts: CheckpointFacts): Promise<string> {
    return this.keys.mac(facts.keyId, JSON.stringify([
      'latchkey:audit:checkpoint:v1', facts.keyId, facts.seq, facts.head, facts.events, facts.at,
    ]));
  }
}

/**
 * The unkeyed SHA-256 link of events written before migration 0006. Anyone
 * with the database can recompute it, so such events are trusted only as the
 * prefix that the first sealed head (or the first keyed event) pins down.
 */
export function legacyHash(fields: SealedFields): string {
  return createHash('sha256').update(JSON.stringify([
    Number(fields.seq), Number(fields.at), fields.actor_kind, fields.actor_id, fields.action, fields.entry_id,
    fields.client_id, fields.category_id, fields.ip, fields.user_agent, fields.details, fields.prev_hash,
  ])).digest('hex');
}

/** Compares two hex MACs without leaking, through timing, how much of one matches. */
export function sameMac(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function eventText(f: SealedFields): string {
  return JSON.stringify([
    'latchkey:audit:event:v1', f.key_id, Number(f.seq), Number(f.at), f.actor_kind, f.actor_id, f.action, f.entry_id,
    f.client_id, f.category_id, f.ip, f.user_agent, f.details, f.prev_hash,
  ]);
}
