import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeyProvider } from '../ports/key-provider.ts';

/** The fields of an audit row that its hash covers (all but the hash and MAC). */
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
 * The audit trail's seals. Each event has a public SHA-256 `hash` over its
 * fields, its key id and the previous hash, and a `mac` over that hash under a
 * key the database never holds (made by the KeyProvider). The hashes tie every
 * event to all before it, so one MAC that checks out vouches for the whole
 * chain up to it: events sealed with a key since retired stay covered by the
 * next MAC we can check. Each MAC covers a text that starts with what it seals
 * (an event, the chain head, a checkpoint), so none can pass for another.
 */
export class AuditSeal {
  constructor(private readonly keys: KeyProvider) {}

  /** The key new events, heads and checkpoints are sealed with. */
  get activeKeyId(): string {
    return this.keys.activeKeyId;
  }

  /** The event's hash: anyone can recompute it, which is why the MAC exists. */
  hash(fields: SealedFields): string {
    if (fields.key_id === null) return legacyHash(fields);
    return createHash('sha256').update(JSON.stringify([
      'latchkey:audit:event:v2', fields.key_id, Number(fields.seq), Number(fields.at), fields.actor_kind, fields.actor_id,
      fields.action, fields.entry_id, fields.client_id, fields.category_id, fields.ip, fields.user_agent, fields.details,
      fields.prev_hash,
    ])).digest('hex');
  }

  async event(keyId: string, seq: number, hash: string): Promise<string> {
    return this.keys.mac(keyId, JSON.stringify(['latchkey:audit:event:v2', keyId, seq, hash]));
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
 * The hash of events written before migration 0006, which had no MAC: such
 * events are trusted only as the prefix that the first MAC after them (an
 * event's or the head's) vouches for.
 */
function legacyHash(fields: SealedFields): string {
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
