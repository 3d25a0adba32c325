/** Extra facts of a log line (ids, counts, names): never secrets, passwords or tokens. */
export type LogFields = Record<string, unknown>;

/**
 * Where Latchkey's operational lines go: a database that refuses writes, a
 * failed mail round, an outage behind a 503. A service wires pino here
 * (`latchkey serve` does); a library user may pass their own. Messages name
 * what happened and what to check, never a secret.
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

function line(message: string, fields?: LogFields): string {
  return fields && Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(fields)}` : message;
}

/** The default: one line on the console per message, fields appended as JSON. */
export const consoleLogger: Logger = {
  info: (message, fields) => console.log(line(message, fields)),
  warn: (message, fields) => console.warn(line(message, fields)),
  error: (message, fields) => console.error(line(message, fields)),
};
