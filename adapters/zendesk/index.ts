export { mountZendesk, ZAF_SDK_URL, type ZendeskMount, type ZendeskOptions } from './zendesk-entry.ts';
export {
  ZendeskTokenVerifier, ZendeskTokenError, agentOf, ZENDESK_LOCATIONS,
  type ZendeskClaims, type ZendeskLocation, type ZendeskTokenOptions,
} from './zendesk-token.ts';
export {
  MemoryZendeskMapping, JsonFileZendeskMapping, ZENDESK_LINK_KINDS, checkLink, normaliseZendeskId,
  type ZendeskLink, type ZendeskLinkInput, type ZendeskLinkKind, type ZendeskMapping,
} from './mapping.ts';
export { KnexZendeskMapping, type KnexZendeskMappingOptions } from './knex-mapping.ts';
export { zendeskMigrations, zendeskLinksTable } from './links-migration.ts';
export { zendeskLinksSection, ZENDESK_LINKS_SECTION, type ZendeskLinksSectionOptions } from './links-section.ts';
export { withZendeskTickets, answersZendeskTickets, zendeskTicketId, ZENDESK_TICKET_PREFIX } from './ticket-directory.ts';

/**
 * `iss` and `aud` of one Zendesk app installation's signed-URL tokens:
 * `<subdomain>.zendesk.com` and its installation's API URL.
 */
export function zendeskInstallation(subdomain: string, installationId: string | number): { issuer: string; audience: string } {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/i.test(subdomain)) throw new TypeError('zendeskInstallation: subdomain is the part before .zendesk.com');
  if (!/^[0-9]{1,20}$/.test(String(installationId))) throw new TypeError('zendeskInstallation: installation id is a number');
  return {
    issuer: `${subdomain}.zendesk.com`,
    audience: `https://${subdomain}.zendesk.com/api/v2/apps/installations/${installationId}.json`,
  };
}
