import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Knex } from 'knex';
import { z } from 'zod';
import { newTotpSeed, totpStepOf } from '../crypto/totp.ts';
import { describeActor, type Actor } from '../domain/actor.ts';
import { Secret } from '../domain/secret.ts';
import { stepUpApplies, type StepUpAction, type StepUpMethod } from '../domain/step-up.ts';
import { ForbiddenError, StepUpRequiredError, ValidationError } from '../errors.ts';
import { canDo } from '../policy/access-policy.ts';
import { newId } from '../store/ids.ts';
import { hostId } from '../validation/schemas.ts';
import { issue } from '../validation/rules.ts';
import { validate } from '../validation/validate.ts';
import type { VaultContext } from './context.ts';
import { PasskeyCeremonies, type RelyingParty } from './step-up-passkeys.ts';

/** How many recovery codes an enrolment hands out, each usable once. */
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const ISSUER = 'Latchkey';
/**
 * A recovery code holds 60 random bits, so the hash need not make up for a
 * weak secret: light argon2id settings keep ten of them quick to set up and check.
 */
const RECOVERY_HASH = { type: argon2.argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 } as const;

/** What the browser's WebAuthn call answered, checked by @simplewebauthn/server. */
const passkeyAnswer = z.looseObject({ id: z.string().min(1).max(1024), type: z.literal('public-key') });

export const verifyStepUpSchema = z.union([
  z.strictObject({ code: z.string().trim().regex(/^\d{6}$/) }),
  z.strictObject({ recoveryCode: z.string().trim().min(8).max(32) }),
  z.strictObject({ passkey: passkeyAnswer }),
]);
export type VerifyStepUpInput = z.input<typeof verifyStepUpSchema>;

export const confirmTotpSchema = z.strictObject({ code: z.string().trim().regex(/^\d{6}$/) });
export const passkeyOptionsSchema = z.strictObject({ purpose: z.enum(['register', 'verify']) });
export const registerPasskeySchema = z.strictObject({ passkey: passkeyAnswer });

/** The person whose enrolment a manager resets: a staff member, a client account, or one of its contacts. */
export const resetStepUpSchema = z.union([
  z.strictObject({ adminId: hostId }),
  z.strictObject({ clientId: hostId, contactId: hostId.optional() }),
]);
export type ResetStepUpInput = z.input<typeof resetStepUpSchema>;

/** What a person has enrolled, and until when this session's verification holds. */
export interface StepUpStatus {
  methods: StepUpMethod[];
  recoveryCodesLeft: number;
  verifiedUntil: Date | null;
}

/** A TOTP factor's row: its seed columns are always set (a passkey's row sets the credential columns instead). */
interface FactorRow {
  id: string;
  kek_id: string;
  wrapped_key: string;
  sealed_secret: string;
  last_step: number | string | null;
  confirmed_at: number | string | null;
}

/**
 * Step-up verification: a second factor a person proves before the actions
 * the settings guard. A TOTP seed is sealed under its own data key like an
 * entry's secrets; passkeys go through step-up-passkeys.ts; recovery codes
 * are kept as argon2 hashes and each works once. A verification holds for one session (`sessionKey`, a hash the edge
 * derives from the session's own cookie) and one person, in the database,
 * so every app instance honours it, up to and including its expiry instant.
 */
export class StepUpService {
  readonly #passkeys: PasskeyCeremonies;

  constructor(private readonly ctx: VaultContext) {
    this.#passkeys = new PasskeyCeremonies(ctx);
  }

  /** The options the browser's WebAuthn call needs, to add a passkey or to verify with one; the challenge is kept for this session. */
  async passkeyOptions(actor: Actor, sessionKey: string, input: { purpose: string }, rp: RelyingParty): Promise<unknown> {
    const person = personOf(actor);
    const { purpose } = validate(passkeyOptionsSchema, input);
    return this.ctx.guard(() => purpose === 'register'
      ? this.#passkeys.registrationOptions(person, sessionKey, rp)
      : this.#passkeys.authenticationOptions(person, sessionKey, rp));
  }

  /** Adds the passkey the browser just made (answering this session's challenge); the session counts as verified. */
  async registerPasskey(actor: Actor, sessionKey: string, input: unknown, rp: RelyingParty): Promise<{ verifiedUntil: Date }> {
    const person = personOf(actor);
    const { passkey } = validate(registerPasskeySchema, input);
    return this.ctx.guard(() => this.ctx.knex.transaction(async (trx) => {
      await this.#passkeys.register(trx, person, sessionKey, passkey, rp);
      const verifiedUntil = await this.remember(trx, person, sessionKey, 'passkey', this.ctx.now());
      await this.ctx.record(trx, actor, { action: 'stepUp.enrol', details: { method: 'passkey' } });
      return { verifiedUntil };
    }));
  }

  async status(actor: Actor, sessionKey: string | null): Promise<StepUpStatus> {
    const person = personOf(actor);
    return this.ctx.guard(async () => {
      const methods = await this.methodsOf(person);
      const left = await this.ctx.knex(this.ctx.tables.stepUpRecoveryCodes).where({ person }).whereNull('used_at').count({ n: '*' }).first() as { n: number | string };
      return { methods, recoveryCodesLeft: Number(left.n), verifiedUntil: sessionKey ? await this.verifiedUntil(person, sessionKey) : null };
    });
  }

  /**
   * Starts setting up an authenticator app: a new seed, kept unconfirmed
   * until a code from the app proves it (an earlier unconfirmed one is
   * replaced). The seed and its otpauth URI are shown this once.
   */
  async beginTotp(actor: Actor): Promise<{ seed: Secret; uri: Secret }> {
    const person = personOf(actor);
    return this.ctx.guard(async () => {
      const t = this.ctx.tables.stepUpFactors;
      if (await this.confirmedTotp(person)) throw new ValidationError([issue('totp', 'alreadyEnrolled')]);
      const seed = newTotpSeed();
      const now = this.ctx.now();
      const id = newId(now);
      const { dataKey, wrapped } = await this.ctx.cipher.newDataKey(sealContext(id));
      await this.ctx.knex.transaction(async (trx) => {
        await trx(t).where({ person, kind: 'totp' }).whereNull('confirmed_at').delete();
        await trx(t).insert({
          id, person, kind: 'totp', kek_id: wrapped.keyId, wrapped_key: wrapped.blob,
          sealed_secret: this.ctx.cipher.encrypt(dataKey, 'totp', seed), last_step: null, created_at: now, confirmed_at: null,
        });
      });
      const label = encodeURIComponent(`${ISSUER}:${person}`);
      return { seed: new Secret(seed), uri: new Secret(`otpauth://totp/${label}?secret=${seed}&issuer=${ISSUER}&algorithm=SHA1&digits=6&period=30`) };
    });
  }

  /**
   * Confirms the app with one of its codes: the factor counts from now on,
   * this session is verified, and the recovery codes are returned, the only
   * time they are ever shown.
   */
  async confirmTotp(actor: Actor, sessionKey: string | null, input: { code: string }): Promise<{ recoveryCodes: Secret[]; verifiedUntil: Date | null }> {
    const person = personOf(actor);
    const { code } = validate(confirmTotpSchema, input);
    return this.ctx.guard(async () => {
      const t = this.ctx.tables;
      const pending = await this.ctx.knex(t.stepUpFactors).where({ person, kind: 'totp' }).whereNull('confirmed_at')
        .orderBy('created_at', 'desc').first() as FactorRow | undefined;
      if (!pending) throw new ValidationError([issue('code', 'noPendingEnrolment')]);
      const now = this.ctx.now();
      const step = totpStepOf(await this.openSeed(pending), code, new Date(now));
      if (step === null) {
        await this.audit(actor, 'stepUp.failed', { method: 'totp', enrolment: true });
        throw new ValidationError([issue('code', 'wrongCode')]);
      }
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      const hashes = await Promise.all(codes.map((c) => argon2.hash(c, RECOVERY_HASH)));
      const verifiedUntil = await this.ctx.knex.transaction(async (trx) => {
        await trx(t.stepUpFactors).where({ id: pending.id }).update({ confirmed_at: now, last_step: step });
        await trx(t.stepUpRecoveryCodes).where({ person }).delete();
        await trx(t.stepUpRecoveryCodes).insert(hashes.map((code_hash) => ({ id: newId(now), person, code_hash, used_at: null })));
        const until = sessionKey ? await this.remember(trx, person, sessionKey, 'totp', now) : null;
        await this.ctx.record(trx, actor, { action: 'stepUp.enrol', details: { method: 'totp' } });
        return until;
      });
      return { recoveryCodes: codes.map((c) => new Secret(c)), verifiedUntil };
    });
  }

  /**
   * Proves the second factor for this session: a current TOTP code (never
   * one already accepted) or an unused recovery code (used up by it). Every
   * attempt is audited, its outcome and method, never the code.
   */
  async verify(actor: Actor, sessionKey: string, input: VerifyStepUpInput, rp?: RelyingParty): Promise<{ verifiedUntil: Date }> {
    const person = personOf(actor);
    const given = validate(verifyStepUpSchema, input);
    return this.ctx.guard(async () => {
      const now = this.ctx.now();
      if ('passkey' in given) {
        // The challenge is used up whatever the answer, so the ceremony's transaction commits either way.
        const verifiedUntil = await this.ctx.knex.transaction(async (trx) => {
          if (!rp || !(await this.#passkeys.authenticate(trx, person, sessionKey, given.passkey, rp))) return null;
          const until = await this.remember(trx, person, sessionKey, 'passkey', now);
          await this.ctx.record(trx, actor, { action: 'stepUp.verify', details: { method: 'passkey' } });
          return until;
        });
        if (verifiedUntil) return { verifiedUntil };
        await this.audit(actor, 'stepUp.failed', { method: 'passkey' });
        throw new ValidationError([issue('passkey', 'wrongCode')]);
      }
      const method: StepUpMethod = 'code' in given ? 'totp' : 'recoveryCode';
      const accepted = 'code' in given ? await this.acceptTotp(person, given.code, now) : await this.acceptRecoveryCode(person, given.recoveryCode, now);
      if (!accepted) {
        await this.audit(actor, 'stepUp.failed', { method });
        throw new ValidationError([issue('code' in given ? 'code' : 'recoveryCode', 'wrongCode')]);
      }
      const verifiedUntil = await this.ctx.knex.transaction(async (trx) => {
        await accepted(trx);
        const until = await this.remember(trx, person, sessionKey, method, now);
        await this.ctx.record(trx, actor, { action: 'stepUp.verify', details: { method } });
        return until;
      });
      return { verifiedUntil };
    });
  }

  /**
   * Refuses `action` with StepUpRequiredError when the settings ask this
   * person for a fresh verification and this session has none. API tokens
   * (no session) are refused too, unless the settings exempt them.
   */
  async requireFresh(actor: Actor, sessionKey: string | null, action: StepUpAction): Promise<void> {
    if (actor.kind === 'system') return;
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!stepUpApplies(settings.stepUp, facts, action)) return;
      if (actor.origin?.via && settings.stepUp.exemptApiTokens) return;
      const person = personOf(actor);
      if (sessionKey && !actor.origin?.via && await this.verifiedUntil(person, sessionKey)) return;
      throw new StepUpRequiredError(action, actor.origin?.via ? [] : await this.methodsOf(person));
    });
  }

  /** A manager forgets a person's factors, recovery codes and verifications, so they enrol afresh (audited). */
  async reset(actor: Actor, input: ResetStepUpInput): Promise<void> {
    const target = validate(resetStepUpSchema, input);
    return this.ctx.guard(async () => {
      const { facts, settings } = await this.ctx.decisionInputs(actor);
      if (!canDo(facts, 'changeSettings', settings) || actor.origin?.via) throw new ForbiddenError("reset a person's second factor");
      const targetActor: Actor = 'adminId' in target
        ? { kind: 'admin', adminId: target.adminId }
        : { kind: 'client', clientId: target.clientId, ...target.contactId ? { contactId: target.contactId } : {} };
      const person = personOf(targetActor);
      const t = this.ctx.tables;
      await this.ctx.knex.transaction(async (trx) => {
        await trx(t.stepUpFactors).where({ person }).delete();
        await trx(t.stepUpRecoveryCodes).where({ person }).delete();
        await trx(t.stepUpChallenges).where({ person }).delete();
        await trx(t.stepUpVerifications).where({ person }).delete();
        await this.ctx.record(trx, actor, { action: 'stepUp.reset', details: { person } });
      });
    });
  }

  private async acceptTotp(person: string, code: string, now: number): Promise<((trx: Knex.Transaction) => Promise<void>) | null> {
    const factor = await this.confirmedTotp(person);
    if (!factor) return null;
    const step = totpStepOf(await this.openSeed(factor), code, new Date(now));
    if (step === null || (factor.last_step !== null && step <= Number(factor.last_step))) return null;
    // Only if no other request took this step meanwhile: a code is good once.
    return async (trx) => {
      const taken = await trx(this.ctx.tables.stepUpFactors).where({ id: factor.id })
        .andWhere((q) => q.whereNull('last_step').orWhere('last_step', '<', step)).update({ last_step: step });
      if (taken === 0) throw new ValidationError([issue('code', 'wrongCode')]);
    };
  }

  private async acceptRecoveryCode(person: string, given: string, now: number): Promise<((trx: Knex.Transaction) => Promise<void>) | null> {
    const plain = normalizeRecoveryCode(given);
    const rows = await this.ctx.knex(this.ctx.tables.stepUpRecoveryCodes).select('id', 'code_hash').where({ person }).whereNull('used_at') as Array<{ id: string; code_hash: string }>;
    for (const row of rows) {
      if (!(await argon2.verify(row.code_hash, plain))) continue;
      return async (trx) => {
        const used = await trx(this.ctx.tables.stepUpRecoveryCodes).where({ id: row.id }).whereNull('used_at').update({ used_at: now });
        if (used === 0) throw new ValidationError([issue('recoveryCode', 'wrongCode')]);
      };
    }
    return null;
  }

  private async remember(trx: Knex.Transaction, person: string, sessionKey: string, method: StepUpMethod, now: number): Promise<Date> {
    const { stepUp } = await this.ctx.settings(trx);
    const expiresAt = now + stepUp.minutes * 60_000;
    const t = this.ctx.tables.stepUpVerifications;
    await trx(t).where('expires_at', '<', now).delete();
    await trx(t).insert({ session_hash: sessionKey, person, method, verified_at: now, expires_at: expiresAt })
      .onConflict(['session_hash', 'person']).merge(['method', 'verified_at', 'expires_at']);
    return new Date(expiresAt);
  }

  private async verifiedUntil(person: string, sessionKey: string): Promise<Date | null> {
    const row = await this.ctx.knex(this.ctx.tables.stepUpVerifications).select('expires_at')
      .where({ session_hash: sessionKey, person }).where('expires_at', '>=', this.ctx.now()).first() as { expires_at: number | string } | undefined;
    return row ? new Date(Number(row.expires_at)) : null;
  }

  private async methodsOf(person: string): Promise<StepUpMethod[]> {
    const methods: StepUpMethod[] = [];
    if (await this.confirmedTotp(person)) methods.push('totp');
    if ((await this.#passkeys.passkeysOf(person)).length > 0) methods.push('passkey');
    if (methods.length === 0) return [];
    const left = await this.ctx.knex(this.ctx.tables.stepUpRecoveryCodes).where({ person }).whereNull('used_at').first('id');
    return left ? [...methods, 'recoveryCode'] : methods;
  }

  private async confirmedTotp(person: string): Promise<FactorRow | undefined> {
    return await this.ctx.knex(this.ctx.tables.stepUpFactors).where({ person, kind: 'totp' }).whereNotNull('confirmed_at').first() as FactorRow | undefined;
  }

  private async openSeed(row: FactorRow): Promise<string> {
    const dataKey = await this.ctx.cipher.openDataKey(sealContext(row.id), 1, { keyId: row.kek_id, blob: row.wrapped_key });
    return this.ctx.cipher.decrypt(dataKey, 'totp', row.sealed_secret);
  }

  private async audit(actor: Actor, action: string, details: Record<string, unknown>): Promise<void> {
    await this.ctx.knex.transaction((trx) => this.ctx.record(trx, actor, { action, details }));
  }
}

/** Who a verification belongs to: a staff member, a client account, or one contact. */
function personOf(actor: Actor): string {
  const who = describeActor(actor);
  if (who.kind === 'system' || who.id === null) throw new ForbiddenError('verify as the system');
  return `${who.kind}:${who.id}`;
}

/** The seed's data key is bound to its factor, as an entry's is to its entry. */
/** What a second factor's data key is wrapped for; key rotation re-wraps it under the same. */
export function sealContext(factorId: string): string {
  return `step-up:${factorId}`;
}

/** Twelve characters from an alphabet without look-alikes (60 bits), shown as three groups of four. */
function newRecoveryCode(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

function normalizeRecoveryCode(code: string): string {
  const clean = code.toLowerCase().replace(/[\s-]/g, '');
  return clean.length === 12 ? `${clean.slice(0, 4)}-${clean.slice(4, 8)}-${clean.slice(8, 12)}` : clean;
}
