import { LatchkeyError } from '../errors.ts';

/** The file cannot be read as the format chosen: nothing is imported, and the message says why. */
export class ImportFormatError extends LatchkeyError {
  constructor(message: string) {
    super('import_format', message);
  }
}
