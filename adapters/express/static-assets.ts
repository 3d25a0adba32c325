import express, { type Response, type Router } from 'express';

/** Our own types, with the charset spelt as the pages declare it. */
const TYPES: ReadonlyMap<string, string> = new Map([
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
]);

/**
 * Serves the files of `dir` (one level, no index, no dotfiles) with
 * conditional GETs (ETag, Last-Modified). Their URLs carry no version, so
 * browsers keep them five minutes and then revalidate, never `immutable`.
 * Everything else under the mount, path tricks included, is a plain 404.
 */
export function staticAssets(dir: string): Router {
  const files = express.static(dir, {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    maxAge: 300_000,
    fallthrough: true,
    setHeaders(res: Response, path: string) {
      const type = TYPES.get(path.slice(path.lastIndexOf('.')));
      if (type) res.set('Content-Type', type);
      res.set('X-Content-Type-Options', 'nosniff');
    },
  });
  const router = express.Router();
  // One path segment, which Express decodes first: an address that is not valid URL encoding is a 400, as on every other route.
  router.get('/:file', files);
  router.use((_req, res) => {
    res.status(404).end();
  });
  return router;
}
