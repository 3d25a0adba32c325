import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { TFunction } from 'i18next';

/** The JSON API's bodies: the largest legitimate one (an entry with 64 KiB of notes, escaped) fits well. */
export const JSON_BODY_LIMIT_BYTES = 256 * 1024;
/** Form posts carry one token (the embed sign-in, the host's cron call). */
export const FORM_BODY_LIMIT_BYTES = 16 * 1024;

export const jsonBody = (): RequestHandler => express.json({ limit: JSON_BODY_LIMIT_BYTES });
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

/** The 413 of JSON endpoints: `{ error: "body_too_large", message, limitKib }`, the message in the user's language. */
export function refuseTooLargeJson(translator: (req: Request) => TFunction): ErrorRequestHandler {
  return refuseTooLarge((req, res, limitKib) => {
    res.status(413).json({ error: 'body_too_large', message: translator(req)('errors.body_too_large', { kib: limitKib }), limitKib });
  });
}
