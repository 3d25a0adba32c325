import type { Response } from 'express';
import type { TFunction } from 'i18next';
import {
  asUnavailable, ConflictError, DatabaseUnavailableError, ForbiddenError, HostUnavailableError, issue, LatchkeyError, LimitExceededError, NotFoundError, RateLimitedError, StepUpRequiredError, ValidationError,
  type Logger,
} from '../../core/index.ts';
import { BearerRefusedError } from './bearer-auth.ts';

/**
 * Maps core errors to HTTP: 400 names the field, 404 hides what you may not
 * see, 409 carries the current version, 503 when the database or the host
 * platform is away, with the Retry-After the cause suggests. Errors from
 * outside Latchkey's services (a host's `identify` reading its own database)
 * go through the same classification, so a database outage is a 503 whoever
 * met it. Any other failure is a bare 500: no stack, no SQL, no value
 * reaches the client.
 */
export function sendError(res: Response, err: unknown, t: TFunction, logger: Logger): void {
  res.set('Cache-Control', 'no-store');
  err = asUnavailable(err);
  if (isBodyParseError(err)) err = new ValidationError([issue('(body)', 'badJson')]);
  // The router could not decode a path parameter (`/entries/%E0%A4%A`).
  if (err instanceof URIError) err = new ValidationError([issue('(path)', 'badPathEncoding')]);
  if (err instanceof ValidationError) {
    const issues = err.issues.map((i) => ({ field: i.field, rule: i.rule, message: t(`validation.${i.rule}`, i.params ?? {}) }));
    res.status(400).json({
      error: err.code,
      field: err.field,
      message: `${issues[0]!.field}: ${issues[0]!.message}`,
      summary: t('errors.invalid_input'),
      issues,
    });
  } else if (err instanceof BearerRefusedError) {
    // Whether the token was unknown, expired or revoked is for the audit trail, not for whoever holds it.
    res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"')
      .json({ error: 'invalid_token', field: 'authorization', message: t('errors.invalid_token') });
  } else if (err instanceof RateLimitedError) {
    res.status(429).set('Retry-After', String(err.retryAfterSeconds)).json({ error: err.code, message: t('errors.rate_limited'), retryAfterSeconds: err.retryAfterSeconds });
  } else if (err instanceof StepUpRequiredError) {
    res.status(403).json({ error: err.code, methods: err.methods, message: t(err.methods.length ? 'errors.verification_required' : 'errors.verification_enrol') });
  } else if (err instanceof NotFoundError) {
    res.status(404).json({ error: err.code, message: t('errors.not_found') });
  } else if (err instanceof ForbiddenError) {
    res.status(403).json({ error: err.code, message: t('errors.forbidden') });
  } else if (err instanceof ConflictError) {
    res.status(409).json({ error: err.code, message: t('errors.conflict'), currentVersion: err.currentVersion });
  } else if (err instanceof LimitExceededError) {
    res.status(409).json({ error: err.code, message: t('errors.limit_exceeded', { limit: err.limit }), limit: err.limit });
  } else if (err instanceof DatabaseUnavailableError) {
    logger.error(`latchkey: ${err.message}`);
    res.status(503).set('Retry-After', String(err.retryAfterSeconds)).json({ error: err.code, message: t('errors.database_unavailable') });
  } else if (err instanceof HostUnavailableError) {
    // The detail names the host's address and action: for the server's log, not for the user.
    logger.error(`latchkey: ${err.message.slice(0, 200)}`);
    res.status(503).set('Retry-After', String(err.retryAfterSeconds)).json({ error: 'host_unavailable', message: t('errors.host_unavailable') });
  } else if (err instanceof LatchkeyError) {
    res.status(500).json({ error: err.code, message: t('errors.internal') });
  } else {
    // The message may quote SQL with its bound values, so only the kind and the frames are logged.
    const frames = err instanceof Error ? (err.stack ?? '').split('\n').slice(1, 6).join('\n') : '';
    logger.error(`latchkey: unexpected ${err instanceof Error ? err.name : typeof err} ${(err as { code?: string })?.code ?? ''}\n${frames}`);
    res.status(500).json({ error: 'internal', message: t('errors.internal') });
  }
}

function isBodyParseError(err: unknown): boolean {
  const e = err as { type?: string; status?: number };
  return e?.type === 'entity.parse.failed' || e?.type === 'entity.too.large' || e?.status === 413;
}
