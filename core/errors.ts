import { issue, type Issue } from './validation/rules.ts';

/**
 * Every failure a caller can act on has its own class, so edges map them to
 * status codes without parsing messages. Messages never carry secret values.
 */
export class LatchkeyError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input: names the field (dotted path) and why. Nothing was written. */
export class ValidationError extends LatchkeyError {
  readonly field: string;
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[]) {
    const first = issues[0] ?? issue('(input)', 'invalid');
    super('invalid_input', `${first.field}: ${first.message}`);
    this.field = first.field;
    this.issues = issues;
  }
}

/** The thing does not exist, or the actor may not see it: the two are indistinguishable on purpose. */
export class NotFoundError extends LatchkeyError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** The actor can see the thing but may not do this to it. */
export class ForbiddenError extends LatchkeyError {
  constructor(action: string) {
    super('forbidden', `not allowed to ${action}`);
  }
}

/** An update named a version that is no longer current. */
export class ConflictError extends LatchkeyError {
  readonly currentVersion: number;
  constructor(what: string, currentVersion: number) {
    super('conflict', `${what} was changed by someone else (now at version ${currentVersion}); reload and try again`);
    this.currentVersion = currentVersion;
  }
}

/** A configured limit (such as the per-client entry limit) would be exceeded. */
export class LimitExceededError extends LatchkeyError {
  readonly limit: number;
  constructor(what: string, limit: number) {
    super('limit_exceeded', `${what} limit of ${limit} reached`);
    this.limit = limit;
  }
}

/** A ciphertext failed authentication: tampered, moved, or under a key we do not hold. */
export class DecryptionError extends LatchkeyError {
  constructor(reason: string) {
    super('decryption_failed', `cannot decrypt: ${reason}`);
  }
}

/** The audit trail does not verify, so no checkpoint may vouch for it. */
export class AuditTrailBrokenError extends LatchkeyError {
  readonly seq: number;
  constructor(seq: number, reason: string) {
    super('audit_broken', `the audit trail is broken at event ${seq}: ${reason}`);
    this.seq = seq;
  }
}

/** Latchkey is set up wrongly (no key, bad database URL); raised at start-up. */
export class ConfigurationError extends LatchkeyError {
  constructor(message: string) {
    super('configuration', message);
  }
}

/**
 * The database is missing, unreachable, full, read-only or locked: the caller
 * may retry after `retryAfterSeconds`. The detail says what to check, never a
 * password or a bound value.
 */
export class DatabaseUnavailableError extends LatchkeyError {
  readonly retryAfterSeconds: number;
  /** What failed and what to check, without the "database unavailable" prefix. */
  readonly detail: string;
  constructor(detail: string, options: { retryAfterSeconds?: number } = {}) {
    super('database_unavailable', `database unavailable: ${detail}`);
    this.detail = detail;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }
}

/**
 * The host platform (its API or its database) could not answer a look-up:
 * unreachable, timed out, or answering something that is not its API. The
 * caller may retry after `retryAfterSeconds`. Adapters subclass it with their
 * host's details; edges answer 503 without them.
 */
export class HostUnavailableError extends LatchkeyError {
  readonly retryAfterSeconds: number;
  constructor(message: string, options: { code?: string; retryAfterSeconds?: number } = {}) {
    super(options.code ?? 'host_unavailable', message);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 30;
  }
}

/** Too many attempts in a window (reveals, sign-ins, refused API tokens): try again after `retryAfterSeconds`. */
export class RateLimitedError extends LatchkeyError {
  readonly retryAfterSeconds: number;
  constructor(what: string, retryAfterSeconds: number) {
    super('rate_limited', `too many ${what}; retry after ${retryAfterSeconds} s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The action needs a second-factor verification this session has not made
 * (or that has expired). `methods` are the person's enrolled factors; empty
 * when they must enrol one first.
 */
export class StepUpRequiredError extends LatchkeyError {
  constructor(readonly action: string, readonly methods: readonly string[]) {
    super('verification_required', `a fresh verification is needed to ${action}`);
  }
}
