import { expect } from 'chai';
import { MemoryZendeskMapping, withZendeskTickets } from '../../adapters/zendesk/index.ts';
import { describeHostDirectoryContract } from '../../adapters/testing/index.ts';
import { memoryHost, memoryKnown } from './memory-fixture.ts';

/** The sidebar was opened on Zendesk ticket 4242 for Acme. */
const mapping = () => new MemoryZendeskMapping([{ kind: 'ticket', zendeskId: '4242', latchkeyId: 'c-acme', label: 'VPN down' }]);

describeHostDirectoryContract('withZendeskTickets over MemoryDirectory', async () => ({
  directory: withZendeskTickets(memoryHost(), mapping()),
  // A Zendesk ticket names its client only: Zendesk knows nothing of the host's contacts and services.
  known: { ...memoryKnown, ticket: { id: 'zendesk:4242', clientId: 'c-acme', contactId: null, serviceId: null } },
  close: async () => {},
}));

describe('withZendeskTickets: Zendesk tickets next to the host’s own', () => {
  it('answers host tickets and zendesk:<id> tickets in one look-up, each from where it lives', async () => {
    const host = withZendeskTickets(memoryHost(), mapping());
    const tickets = await host.tickets(['zendesk:4242', 't-100', 'zendesk:4243']);
    expect([...tickets.keys()].sort()).to.deep.equal(['t-100', 'zendesk:4242']);
    expect(tickets.get('t-100')).to.deep.include({ clientId: 'c-acme', contactId: 'k-acme-dev', serviceId: 's-acme-vps' });
    expect(tickets.get('zendesk:4242')).to.deep.equal({
      id: 'zendesk:4242', clientId: 'c-acme', contactId: null, serviceId: null, subject: 'VPN down', status: '',
    });
  });

  it('never asks the host about zendesk:<id> tickets, nor Zendesk about the host’s', async () => {
    const inner = memoryHost();
    const asked: string[][] = [];
    const tickets = inner.tickets.bind(inner);
    inner.tickets = async (ids) => { asked.push([...ids]); return tickets(ids); };
    const links = mapping();
    const found: string[][] = [];
    const find = links.find.bind(links);
    links.find = async (kind, ids) => { found.push([...ids]); return find(kind, ids); };
    await withZendeskTickets(inner, links).tickets(['zendesk:4242', 't-100']);
    expect(asked).to.deep.equal([['t-100']]);
    expect(found).to.deep.equal([['4242']]);
  });
});
