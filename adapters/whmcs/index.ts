/**
 * Latchkey for WHMCS, the Node side: the directory and mailer over WHMCS's
 * API (or its database), and the endpoint its daily cron calls. The PHP side
 * (the addon module to upload into WHMCS) is in ./module/modules/addons/latchkey.
 */
export {
  WhmcsApi, WhmcsApiError, WhmcsUnavailableError, type WhmcsApiOptions, type WhmcsParams, type WhmcsResponse,
} from './whmcs-api.ts';
export { WhmcsDirectory, type WhmcsDirectoryOptions, type WhmcsNameSource, type WhmcsCredentialCheck } from './whmcs-directory.ts';
export { WhmcsDatabaseDirectory, WhmcsDatabaseNames, type WhmcsDatabaseOptions } from './whmcs-database.ts';
export { WhmcsMailer, WhmcsMailUnsupportedError, smartyLiteral, type WhmcsMailerOptions } from './whmcs-mailer.ts';
export { whmcsEntryLinks, type WhmcsPages } from './entry-links.ts';
