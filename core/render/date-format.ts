/**
 * How dates and times are written on Latchkey's pages and in its panels'
 * script: in the user's language, and in the host's own date format when the
 * host has one (WHMCS's "DD/MM/YYYY", say), so a date reads the same in a
 * Latchkey panel as on the host page around it.
 *
 * Pure and free of Node: the browser script imports it too.
 */

/** The host's way of writing dates. */
export interface DateFormat {
  /**
   * A numeric date pattern: DD, MM and YYYY once each, joined by one of
   * `/ . -` or a space (`DD/MM/YYYY`, `YYYY-MM-DD`). Absent: the user's
   * language writes the date its own way ("Dec 6, 2026", "6 déc. 2026").
   */
  pattern?: string;
  /** The IANA time zone dates are shown in (default `UTC`). */
  timeZone?: string;
}

const PATTERN = /^(DD|MM|YYYY)([/.\- ])(DD|MM|YYYY)\2(DD|MM|YYYY)$/;

/** The format as given when it is valid; else an Error naming what is wrong (hosts pass it at start-up). */
export function checkDateFormat(format: DateFormat): DateFormat {
  if (format.pattern !== undefined) {
    const match = PATTERN.exec(format.pattern);
    if (!match || new Set([match[1], match[3], match[4]]).size !== 3) {
      throw new Error(`dateFormat.pattern must hold DD, MM and YYYY once each, joined by "/", ".", "-" or a space (got "${format.pattern}")`);
    }
  }
  if (format.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: format.timeZone });
    } catch {
      throw new Error(`dateFormat.timeZone must be an IANA time zone such as "Europe/London" (got "${format.timeZone}")`);
    }
  }
  return format;
}

/** Writes a date and time (`withTime`) or a date alone, in `language` and the host's `format`. */
export function dateWriter(language: string, format: DateFormat = {}, withTime = true): (value: Date) => string {
  const timeZone = format.timeZone ?? 'UTC';
  const pattern = format.pattern;
  if (!pattern) {
    const whole = new Intl.DateTimeFormat(language, { dateStyle: 'medium', ...(withTime ? { timeStyle: 'short' } : {}), timeZone });
    return (value) => whole.format(value);
  }
  const digits = new Intl.DateTimeFormat('en', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone });
  const time = withTime ? new Intl.DateTimeFormat(language, { timeStyle: 'short', timeZone }) : null;
  return (value) => {
    const parts = digits.formatToParts(value);
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
    const date = pattern.replace('YYYY', part('year')).replace('MM', part('month')).replace('DD', part('day'));
    return time ? `${date} ${time.format(value)}` : date;
  };
}
