import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { TFunction } from 'i18next';
import { issue, ValidationError } from '../../core/index.ts';

/** The JSON API's bodies: the largest legitimate one (an entry with 64 KiB of notes, escaped) fits well. */
export const JSON_BODY_LIMIT_BYTES = 256 * 1024;
/** Form posts carry one token (the embed sign-in, the host's cron call). */
export const FORM_BODY_LIMIT_BYTES = 16 * 1024;

export const jsonBody = (limit: number = JSON_BODY_LIMIT_BYTES): RequestHandler => express.json({ limit });
export const formBody = (): RequestHandler => express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT_BYTES });

/**
 * Placed right after a body parser: a body over its limit is answered 413 by
 * `answer`, told the limit in KiB, instead of reaching the error handlers as
 * an unreadable body. Other errors pass on.
 */
export function refuseTooLarge(answer: (req: Request, res: Response, limitKib: number) => void): ErrorRequestHandler {
  return (err, req, res, next) => {
    const e = err as { type?: unknown; limit?: unknown } | null;
    if (e?.type !== 'entity.too.large' || typeof e.limit !== 'number') {
      next(err);
      return;
    }
    res.set('Cache-Control', 'no-store');
    answer(req, res, Math.floor(e.limit / 1024));
  };
}

/**
 * What JSON endpoints answer when the parser could not read the body: 413
 * `body_too_large` with the limit, 415 `unsupported_body` for a charset or
 * content encoding it does not read, and otherwise (bad JSON, a corrupt gzip
 * stream, an upload cut short) a 400 naming `(body)`. Each message is in the
 * user's language.
 */
export function refuseUnreadableJson(translator: (req: Request) => TFunction): ErrorRequestHandler {
  const tooLarge = refuseTooLarge((req, res, limitKib) => {
    res.status(413).json({ error: 'body_too_large', message: translator(req)('errors.body_too_large', { kib: limitKib }), limitKib });
  });
  return (err, req, res, next) => {
    tooLarge(err, req, res, () => {
      const status = (err as { status?: unknown } | null)?.status;
      // body-parser marks what it refused with a 4xx status; anything else is not about the body.
      if (typeof status !== 'number' || status < 400 || status > 499) next(err);
      else if (status === 415) {
        res.set('Cache-Control', 'no-store').status(415).json({ error: 'unsupported_body', message: translator(req)('errors.unsupported_body') });
      } else next(new ValidationError([issue('(body)', 'badJson')]));
    });
  };
}
