import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type AuthenticatorTransport, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Knex } from 'knex';
import { ValidationError } from '../errors.ts';
import { newId } from '../store/ids.ts';
import { issue } from '../validation/rules.ts';
import type { VaultContext } from './context.ts';

/** Where the browser runs the ceremony: the site's host name (the RP id) and its origin, as the edge saw the request. */
export interface RelyingParty {
  id: string;
  origin: string;
}

/** A WebAuthn challenge lives as long as a person takes to touch their key. */
const CHALLENGE_MS = 5 * 60_000;
const RP_NAME = 'Latchkey';

interface PasskeyRow {
  id: string;
  credential_id: string;
  public_key: string;
  sign_count: number | string | null;
  transports: string | null;
}

/**
 * Passkeys as a second factor, through @simplewebauthn/server: options for
 * the browser (their challenge kept per session and person in the database,
 * so any instance can finish the ceremony), then the browser's answer
 * checked against that challenge, the origin and the stored public key.
 */
export class PasskeyCeremonies {
  constructor(private readonly ctx: VaultContext) {}

  async registrationOptions(person: string, sessionKey: string, rp: RelyingParty): Promise<unknown> {
    const existing = await this.passkeysOf(person);
    const options = await generateRegistrationOptions({
      rpName: RP_NAME, rpID: rp.id, userName: person, attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await this.keepChallenge(person, sessionKey, 'register', options.challenge);
    return options;
  }

  /** Checks the browser's new credential and stores its public key; throws a 400 naming `passkey` when it does not hold. */
  async register(trx: Knex.Transaction, person: string, sessionKey: string, response: unknown, rp: RelyingParty): Promise<void> {
    const challenge = await this.takeChallenge(trx, person, sessionKey, 'register');
    const result = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id,
      requireUserVerification: false,
    }).catch(() => null);
    if (!result?.verified) throw new ValidationError([issue('passkey', 'wrongCode')]);
    const { credential } = result.registrationInfo;
    const now = this.ctx.now();
    await trx(this.ctx.tables.stepUpFactors).insert({
      id: newId(now), person, kind: 'passkey', credential_id: credential.id, public_key: Buffer.from(credential.publicKey).toString('base64url'),
      sign_count: credential.counter, transports: (credential.transports ?? []).join(','), created_at: now, confirmed_at: now,
    });
  }

  async authenticationOptions(person: string, sessionKey: string, rp: RelyingParty): Promise<unknown> {
    const options = await generateAuthenticationOptions({
      rpID: rp.id, userVerification: 'preferred',
      allowCredentials: (await this.passkeysOf(person)).map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
    });
    await this.keepChallenge(person, sessionKey, 'verify', options.challenge);
    return options;
  }

  /** Whether the browser's assertion is one of the person's passkeys answering this session's challenge; its counter moves on. */
  async authenticate(trx: Knex.Transaction, person: string, sessionKey: string, response: unknown, rp: RelyingParty): Promise<boolean> {
    const challenge = await this.takeChallenge(trx, person, sessionKey, 'verify').catch(() => null);
    const answer = response as AuthenticationResponseJSON;
    const passkey = (await this.passkeysOf(person, trx)).find((p) => p.credential_id === answer?.id);
    if (!challenge || !passkey) return false;
    const result = await verifyAuthenticationResponse({
      response: answer, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false,
      credential: { id: passkey.credential_id, publicKey: Buffer.from(passkey.public_key, 'base64url'), counter: Number(passkey.sign_count ?? 0), transports: transportsOf(passkey) },
    }).catch(() => null);
    if (!result?.verified) return false;
    await trx(this.ctx.tables.stepUpFactors).where({ id: passkey.id }).update({ sign_count: result.authenticationInfo.newCounter });
    return true;
  }

  async passkeysOf(person: string, db: Knex | Knex.Transaction = this.ctx.knex): Promise<PasskeyRow[]> {
    return await db(this.ctx.tables.stepUpFactors).select('id', 'credential_id', 'public_key', 'sign_count', 'transports')
      .where({ person, kind: 'passkey' }) as PasskeyRow[];
  }

  private async keepChallenge(person: string, sessionKey: string, purpose: 'register' | 'verify', challenge: string): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.knex(this.ctx.tables.stepUpChallenges)
      .insert({ session_hash: sessionKey, person, purpose, challenge, expires_at: now + CHALLENGE_MS })
      .onConflict(['session_hash', 'person']).merge(['purpose', 'challenge', 'expires_at']);
  }

  /** The session's challenge for this ceremony, used up by the taking: an answer is checked once. */
  private async takeChallenge(trx: Knex.Transaction, person: string, sessionKey: string, purpose: 'register' | 'verify'): Promise<string> {
    const t = this.ctx.tables.stepUpChallenges;
    const row = await trx(t).select('challenge').where({ session_hash: sessionKey, person, purpose })
      .where('expires_at', '>', this.ctx.now()).first() as { challenge: string } | undefined;
    await trx(t).where({ session_hash: sessionKey, person }).delete();
    if (!row) throw new ValidationError([issue('passkey', 'wrongCode')]);
    return row.challenge;
  }
}

function transportsOf(row: PasskeyRow): AuthenticatorTransport[] {
  return (row.transports ?? '').split(',').filter(Boolean) as AuthenticatorTransport[];
}
