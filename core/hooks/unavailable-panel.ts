import { DatabaseUnavailableError, HostUnavailableError } from '../errors.ts';
import type { Renderer } from '../render/renderer.ts';
import type { Language } from '../render/languages.ts';
import { asUnavailable } from '../store/database.ts';

/** A failure that is not the user's nor a bug: the database or the host platform cannot answer now. */
export type Outage = DatabaseUnavailableError | HostUnavailableError;

/** The failure as an outage (driver errors classified), or null when it is something else. */
export function outageOf(err: unknown): Outage | null {
  const mapped = asUnavailable(err);
  return mapped instanceof DatabaseUnavailableError || mapped instanceof HostUnavailableError ? mapped : null;
}

/**
 * What a panel shows instead of its content while the vault's database or
 * the host platform is away (or the render ran past its deadline): a short
 * notice in the user's language, nothing of the cause.
 */
export function renderUnavailablePanel(renderer: Renderer, outage: Outage, language: Language, assetBase: string): string {
  const database = outage instanceof DatabaseUnavailableError;
  return renderer.render('hooks/unavailable', {
    assetBase,
    cause: database ? 'database' : 'host',
    messageKey: database ? 'errors.database_unavailable' : 'errors.host_unavailable',
  }, { language });
}
