import { inspect } from 'node:util';
import { expect } from 'chai';
import { compareClients, Secret, SERVICE_STATUSES, type HostDirectory, type HostService, type ServiceStatus } from '../../core/index.ts';
import { absentIdLike, IMPOSSIBLE_IDS, otherSpellings } from './id-spellings.ts';

/**
 * Records the host under test is known to have. Fill it from the fixture's
 * seed data; every field is an id as the directory answers it (a string).
 * Optional fields are for things some hosts do not have: leave them out and
 * the rules that need them are reported as pending, not passed.
 */
export interface KnownRecords {
  /** An enabled admin the host lets run the addon (`addonManager`), with a role that `adminRoles()` names. */
  manager: string;
  /** An admin who may not run the addon, with a role that `adminRoles()` names. */
  staff: string;
  /** A disabled admin; leave out when the host has none. */
  disabledAdmin?: string;
  /** Two clients, each with at least one contact and at least one service. */
  clients: readonly [string, string];
  /** The client group of `clients[0]`; leave out when the host has no client groups. */
  clientGroup?: string;
  /** A contact of `clients[0]`. */
  contact: string;
  /** The main contact of `clients[0]`; leave out when the host's contacts are never the main one. */
  mainContact?: string;
  /** A product. */
  product: string;
  /** The product group of `product`; leave out when the host has no product groups. */
  productGroup?: string;
  /** A service of `clients[0]`. */
  service: string;
  /** A service (of any client) that carries a password; leave out when the adapter reads no passwords. */
  serviceWithPassword?: string;
  /**
   * Services whose host status is known, and the ServiceStatus each must be
   * answered with: include a service that is not active (suspended,
   * terminated...) where the seed data has one.
   */
  serviceStatuses?: Readonly<Record<string, ServiceStatus>>;
  /**
   * A ticket and what it is about, as the host has it (`null` where it names
   * no contact or service). Pick one that names a contact and a service when
   * the host's tickets can.
   */
  ticket: { id: string; clientId: string; contactId: string | null; serviceId: string | null };
  /** A ticket the host has that concerns no client (a guest's); leave out when the host has none. */
  guestTicket?: string;
  /** A device; leave out when the host keeps none. */
  device?: string;
}

/** A directory over seeded host data, the records it is known to have, and how to tear it down. */
export interface DirectoryFixture {
  directory: HostDirectory;
  known: KnownRecords;
  /**
   * How many ids the long-list rule asks for at once (default 1000). Lower it
   * only for an adapter whose host answers one id per request, where a
   * thousand ids cost thousands of requests.
   */
  manyIds?: number;
  close(): Promise<void>;
}

type Lookup = 'admins' | 'clients' | 'contacts' | 'products' | 'services' | 'tickets' | 'devices';
const LOOKUPS: readonly Lookup[] = ['admins', 'clients', 'contacts', 'products', 'services', 'tickets', 'devices'];

/** The known ids for each look-up by id (devices may have none). */
function knownIds(known: KnownRecords, lookup: Lookup): string[] {
  const ids: Record<Lookup, Array<string | undefined>> = {
    admins: [known.manager, known.staff, known.disabledAdmin],
    clients: [...known.clients],
    contacts: [known.contact, known.mainContact],
    products: [known.product],
    services: [known.service, known.serviceWithPassword, ...Object.keys(known.serviceStatuses ?? {})],
    tickets: [known.ticket.id],
    devices: [known.device],
  };
  return [...new Set(ids[lookup].filter((id): id is string => id !== undefined))];
}

/** A service with its password opened, so that deep equality compares passwords too (Secrets have no visible fields). */
function comparable(service: HostService | undefined): unknown {
  return service && { ...service, password: service.password instanceof Secret ? { secret: service.password.expose() } : service.password };
}

const sorted = (ids: Iterable<string>) => [...ids].sort();

/**
 * The rules every HostDirectory keeps, whatever host it reads. Run it from a
 * `*.test.ts` with a fixture that opens the adapter over seeded data:
 *
 *     describeHostDirectoryContract('MyHostDirectory', async () => ({
 *       directory: new MyHostDirectory(...), known: { manager: '1', ... }, close: async () => {},
 *     }));
 *
 * The fixture is opened once for the suite; no rule changes the host's data.
 * See docs/host-directory-contract.md.
 */
export function describeHostDirectoryContract(name: string, open: () => Promise<DirectoryFixture>): void {
  describe(`${name} keeps the HostDirectory contract`, () => {
    let fixture: DirectoryFixture;
    let host: HostDirectory;
    let known: KnownRecords;

    before(async () => {
      fixture = await open();
      host = fixture.directory;
      known = fixture.known;
    });
    after(async () => {
      await fixture?.close();
    });

    const lookup = (kind: Lookup, ids: readonly string[]) => host[kind](ids) as Promise<Map<string, { id: string }>>;
    /** An id to derive absent ones from, for look-ups (devices) that may have no known id. */
    const shapeOf = (kind: Lookup) => knownIds(known, kind)[0] ?? known.clients[0];

    describe('look-ups by id', () => {
      it('answers many ids in one map, each under its own id, and leaves unknown ids out', async () => {
        for (const kind of LOOKUPS) {
          const ids = knownIds(known, kind);
          const answer = await lookup(kind, [absentIdLike(shapeOf(kind), 1), ...ids, absentIdLike(shapeOf(kind), 2)]);
          expect(answer, kind).to.be.instanceOf(Map);
          expect(sorted(answer.keys()), `${kind}: the known ids, and only they`).to.deep.equal(sorted(ids));
          for (const [id, record] of answer) expect(record.id, `${kind}: the record under ${id}`).to.equal(id);
        }
      });

      it('answers an empty list with an empty map, without error', async () => {
        for (const kind of LOOKUPS) {
          const answer = await lookup(kind, []);
          expect(answer, kind).to.be.instanceOf(Map);
          expect(answer.size, kind).to.equal(0);
        }
      });

      it('finds an id asked several times, and answers it under its one key', async () => {
        for (const kind of LOOKUPS) {
          const ids = knownIds(known, kind);
          const answer = await lookup(kind, [...ids, ...ids, ...ids.reverse()]);
          expect(sorted(answer.keys()), kind).to.deep.equal(sorted(ids));
        }
      });

      it('matches ids exactly: no other spelling of an id (spaces, leading zero, case) finds its record', async () => {
        for (const kind of LOOKUPS) {
          for (const id of knownIds(known, kind)) {
            const answer = await lookup(kind, otherSpellings(id));
            expect(sorted(answer.keys()), `${kind}: spellings of ${id}`).to.deep.equal([]);
          }
        }
      });

      it('takes ids the host could never have (empty, negative, text, injected SQL) for unknown ones, without error', async () => {
        for (const kind of LOOKUPS) {
          const answer = await lookup(kind, IMPOSSIBLE_IDS);
          expect(sorted(answer.keys()), kind).to.deep.equal([]);
        }
      });

      it('answers a long list of ids (a thousand) at once, the known ones among them', async () => {
        for (const kind of LOOKUPS) {
          const ids = knownIds(known, kind);
          const absent = Array.from({ length: fixture.manyIds ?? 1000 }, (_, i) => absentIdLike(shapeOf(kind), 100 + i));
          // The known ids come last: an adapter that splits long lists must not drop the last part.
          const many = [...absent, ...ids];
          expect(sorted((await lookup(kind, many)).keys()), kind).to.deep.equal(sorted(ids));
        }
      });
    });

    describe('catalogues', () => {
      it('lists every admin, disabled ones too, exactly as admins() answers them', async () => {
        const all = await host.allAdmins();
        const ids = all.map((a) => a.id);
        expect(ids).to.include.members(knownIds(known, 'admins'));
        expect(new Set(ids).size, 'each admin once').to.equal(ids.length);
        const byId = await host.admins(ids);
        expect(byId.size, 'admins() answers every listed admin').to.equal(all.length);
        for (const admin of all) expect(byId.get(admin.id), `admin ${admin.id}`).to.deep.equal(admin);
      });

      it('lists every product exactly as products() answers them', async () => {
        const all = await host.allProducts();
        const ids = all.map((p) => p.id);
        const services = await host.servicesOfClients(known.clients);
        expect(ids).to.include.members([known.product, ...services.map((s) => s.productId)]);
        expect(new Set(ids).size, 'each product once').to.equal(ids.length);
        const byId = await host.products(ids);
        expect(byId.size, 'products() answers every listed product').to.equal(all.length);
        for (const product of all) expect(byId.get(product.id), `product ${product.id}`).to.deep.equal(product);
      });

      it('lists admin roles, client groups and product groups with unique ids and readable names', async () => {
        for (const [list, named] of [
          ['adminRoles', await host.adminRoles()], ['clientGroups', await host.clientGroups()], ['productGroups', await host.productGroups()],
        ] as const) {
          expect(named, list).to.be.an('array');
          const ids = named.map((n) => n.id);
          expect(new Set(ids).size, `${list}: each id once`).to.equal(ids.length);
          for (const item of named) {
            expect(item.id, list).to.be.a('string').and.not.equal('');
            expect(item.name, `${list} ${item.id}`).to.be.a('string').and.match(/\S/);
          }
        }
      });

      it("names every admin's role in adminRoles(), or leaves it '' when the host gives the admin none", async () => {
        const roles = new Set((await host.adminRoles()).map((r) => r.id));
        const admins = await host.admins([known.manager, known.staff]);
        for (const id of [known.manager, known.staff]) {
          expect(roles, `the role of known admin ${id}`).to.include(admins.get(id)!.roleId);
        }
        for (const admin of await host.allAdmins()) {
          if (admin.roleId !== '') expect(roles, `the role of admin ${admin.id}`).to.include(admin.roleId);
        }
      });

      it("names a client's group in clientGroups(), or null for none", async () => {
        const groups = new Set((await host.clientGroups()).map((g) => g.id));
        for (const client of (await host.clients(known.clients)).values()) {
          if (client.groupId !== null) expect(groups, `the group of client ${client.id}`).to.include(client.groupId);
        }
      });

      it('answers the group a client is in', async function () {
        if (known.clientGroup === undefined) this.skip();
        expect((await host.clients([known.clients[0]])).get(known.clients[0])!.groupId).to.equal(known.clientGroup);
      });

      it("names a product's group in productGroups(), or null for none", async () => {
        const groups = new Set((await host.productGroups()).map((g) => g.id));
        for (const product of await host.allProducts()) {
          if (product.groupId !== null) expect(groups, `the group of product ${product.id}`).to.include(product.groupId);
        }
      });

      it('answers the group a product is in', async function () {
        if (known.productGroup === undefined) this.skip();
        expect((await host.products([known.product])).get(known.product)!.groupId).to.equal(known.productGroup);
      });
    });

    describe('records', () => {
      /** Every record the known ids reach, and the catalogues and client lists. */
      async function everything() {
        const values = <V>(map: Map<string, V>) => [...map.values()];
        return {
          admins: [...values(await host.admins(knownIds(known, 'admins'))), ...await host.allAdmins()],
          clients: values(await host.clients(known.clients)),
          contacts: [...values(await host.contacts(knownIds(known, 'contacts'))), ...await host.contactsOfClients(known.clients)],
          products: [...values(await host.products(knownIds(known, 'products'))), ...await host.allProducts()],
          services: [...values(await host.services(knownIds(known, 'services'))), ...await host.servicesOfClients(known.clients)],
          tickets: values(await host.tickets(knownIds(known, 'tickets'))),
          devices: values(await host.devices(knownIds(known, 'devices'))),
        };
      }

      it('answers ids, and references to other records, as strings (null where there may be none)', async () => {
        const all = await everything();
        const isId = (value: unknown, what: string) => expect(value, what).to.be.a('string').and.not.equal('');
        const isIdOrNull = (value: unknown, what: string) => { if (value !== null) isId(value, what); };
        for (const a of all.admins) { isId(a.id, 'admin id'); expect(a.roleId, `admin ${a.id} roleId`).to.be.a('string'); }
        for (const c of all.clients) { isId(c.id, 'client id'); isIdOrNull(c.groupId, `client ${c.id} groupId`); }
        for (const c of all.contacts) { isId(c.id, 'contact id'); isId(c.clientId, `contact ${c.id} clientId`); }
        for (const p of all.products) { isId(p.id, 'product id'); isIdOrNull(p.groupId, `product ${p.id} groupId`); }
        for (const s of all.services) {
          isId(s.id, 'service id'); isId(s.clientId, `service ${s.id} clientId`); isId(s.productId, `service ${s.id} productId`);
        }
        for (const t of all.tickets) {
          isId(t.id, 'ticket id'); isId(t.clientId, `ticket ${t.id} clientId`);
          isIdOrNull(t.contactId, `ticket ${t.id} contactId`); isIdOrNull(t.serviceId, `ticket ${t.id} serviceId`);
        }
        for (const d of all.devices) { isId(d.id, 'device id'); isId(d.clientId, `device ${d.id} clientId`); }
      });

      it('gives every record a readable name', async () => {
        const all = await everything();
        const readable = (text: unknown, what: string) => expect(text, what).to.be.a('string').and.match(/\S/);
        for (const a of all.admins) readable(a.name, `admin ${a.id}`);
        for (const c of all.clients) readable(c.name, `client ${c.id}`);
        for (const c of all.contacts) readable(c.name, `contact ${c.id}`);
        for (const p of all.products) readable(p.name, `product ${p.id}`);
        for (const s of all.services) readable(s.label, `service ${s.id}`);
        for (const t of all.tickets) readable(t.subject, `ticket ${t.id}`);
        for (const d of all.devices) readable(d.name, `device ${d.id}`);
      });

      it('gives admins and clients an email and a language, and clients a status, as strings', async () => {
        const all = await everything();
        for (const person of [...all.admins, ...all.clients]) {
          expect(person.email, `${person.id} email`).to.be.a('string');
          expect(person.language, `${person.id} language`).to.be.a('string').and.match(/\S/);
        }
        for (const client of all.clients) expect(client.status, `client ${client.id} status`).to.be.a('string').and.match(/\S/);
        for (const contact of all.contacts) expect(contact.email, `contact ${contact.id} email`).to.be.a('string');
      });

      it('gives a contact a language only as a non-empty string, or none (the client\'s then applies)', async () => {
        const all = await everything();
        for (const contact of all.contacts) {
          if (contact.language === undefined || contact.language === null) continue;
          expect(contact.language, `contact ${contact.id} language`).to.be.a('string').and.match(/\S/);
        }
      });

      it('tells addon managers, other staff and disabled admins apart, with booleans', async () => {
        const admins = await host.admins(knownIds(known, 'admins'));
        for (const admin of admins.values()) {
          expect(admin.disabled, `admin ${admin.id} disabled`).to.be.a('boolean');
          expect(admin.addonManager, `admin ${admin.id} addonManager`).to.be.a('boolean');
        }
        expect(admins.get(known.manager)).to.deep.include({ disabled: false, addonManager: true });
        expect(admins.get(known.staff)).to.deep.include({ addonManager: false });
        if (known.disabledAdmin !== undefined) {
          expect(admins.get(known.disabledAdmin), 'a disabled admin is answered, marked disabled').to.deep.include({ disabled: true });
        }
      });
    });

    describe('finding clients', () => {
      /** The known clients as clients() answers them. */
      const knownClients = async () => {
        const byId = await host.clients(known.clients);
        return known.clients.map((id) => byId.get(id)!);
      };
      /** Part of a text (from its second character), in the other case: a search that must find it. */
      const partOf = (text: string, length: number) => {
        const part = text.slice(1, 1 + length);
        return part === part.toUpperCase() ? part.toLowerCase() : part.toUpperCase();
      };

      it('finds a known client by part of its name, and by part of its email, in any case', async () => {
        for (const client of await knownClients()) {
          // The longest word of the name: a host may match first and last names apart.
          const word = client.name.split(/\s+/).sort((a, b) => b.length - a.length)[0]!;
          expect(word.length, `client ${client.id} has a name of three letters or more`).to.be.at.least(3);
          const part = partOf(word, Math.min(4, word.length - 1));
          const byName = await host.findClients(part, 50);
          expect(byName.map((c) => c.id), `${client.id} by "${part}" of "${client.name}"`).to.include(client.id);
          const byEmail = await host.findClients(`  ${partOf(client.email, 4)} `, 50);
          expect(byEmail.map((c) => c.id), `${client.id} by part of "${client.email}"`).to.include(client.id);
        }
      });

      it('answers the same records clients() answers, each once, by name then id', async () => {
        const [first] = await knownClients();
        const found = await host.findClients(partOf(first!.email, 4), 50);
        expect(found.length).to.be.above(0);
        const ids = found.map((c) => c.id);
        expect(new Set(ids).size, 'each client once').to.equal(ids.length);
        const byId = await host.clients(ids);
        for (const client of found) expect(client, `client ${client.id}`).to.deep.equal(byId.get(client.id));
        expect(ids, 'ordered by name, then id').to.deep.equal([...found].sort(compareClients).map((c) => c.id));
      });

      it('answers at most `limit` clients, taken from those that match (limits clamped to 1..50)', async () => {
        // Two letters of the first known client's email that another client has too ('ex' of example.com...).
        const email = (await knownClients())[0]!.email.toLowerCase();
        const texts = [...new Set(Array.from({ length: Math.max(0, email.length - 1) }, (_, i) => email.slice(i, i + 2)))];
        let many: string | null = null;
        for (const text of texts) if ((await host.findClients(text, 50)).length >= 2) { many = text; break; }
        expect(many, 'some text matches two clients or more').to.not.equal(null);
        const all = (await host.findClients(many!, 50)).map((c) => c.id);
        const one = await host.findClients(many!, 1);
        expect(one).to.have.length(1);
        expect(all).to.include(one[0]!.id);
        for (const limit of [0, -5, 0.5, Number.NaN]) {
          expect(await host.findClients(many!, limit), `limit ${limit}`).to.have.length(1);
        }
        expect((await host.findClients(many!, 1000)).length, 'limit 1000').to.be.at.most(50);
        expect((await host.findClients(many!, 2)).map((c) => c.id), 'the same question, the same answer').to.deep.equal(
          (await host.findClients(many!, 2)).map((c) => c.id));
      });

      it('answers [] for an empty or one-character text, spaces aside', async () => {
        const [first] = await knownClients();
        for (const text of ['', ' ', '   ', first!.name.slice(0, 1), ` ${first!.email.slice(0, 1)}  `]) {
          expect(await host.findClients(text, 50), JSON.stringify(text)).to.deep.equal([]);
        }
      });

      it('takes %, _, \\ and quotes literally: not wildcards, not errors', async () => {
        for (const text of ['%%', '__', '%_%', '_%', '\\%', "''", '""', "' OR '1'='1", '%\' OR 1=1 --', '!%', '[a-z]%']) {
          expect(await host.findClients(text, 50), JSON.stringify(text)).to.deep.equal([]);
        }
        const [first] = await knownClients();
        // A wildcard inside an otherwise matching text must not match either: "pri%e" is no "price".
        const word = first!.email.slice(0, 4);
        const wild = `${word.slice(0, 1)}%${word.slice(2)}`;
        expect((await host.findClients(wild, 50)).map((c) => c.id), JSON.stringify(wild)).not.to.include(first!.id);
        const under = `${word.slice(0, 1)}_${word.slice(2)}`;
        expect((await host.findClients(under, 50)).map((c) => c.id), JSON.stringify(under)).not.to.include(first!.id);
      });
    });

    describe('finding admins', () => {
      /** The known admins (the disabled one too) as admins() answers them. */
      const knownAdmins = async () => {
        const ids = knownIds(known, 'admins');
        const byId = await host.admins(ids);
        return ids.map((id) => byId.get(id)!);
      };
      const partOf = (text: string, length: number) => {
        const part = text.slice(1, 1 + length);
        return part === part.toUpperCase() ? part.toLowerCase() : part.toUpperCase();
      };

      it('finds each known admin, disabled ones too, by part of its name and by part of its email, in any case', async () => {
        for (const admin of await knownAdmins()) {
          const word = admin.name.split(/\s+/).sort((a, b) => b.length - a.length)[0]!;
          expect(word.length, `admin ${admin.id} has a name of three letters or more`).to.be.at.least(3);
          const part = partOf(word, Math.min(4, word.length - 1));
          expect((await host.findAdmins(part, 50)).map((a) => a.id), `${admin.id} by "${part}" of "${admin.name}"`).to.include(admin.id);
          const byEmail = await host.findAdmins(`  ${partOf(admin.email, 4)} `, 50);
          expect(byEmail.map((a) => a.id), `${admin.id} by part of "${admin.email}"`).to.include(admin.id);
        }
      });

      it('answers the same records admins() answers, each once, by name then id, at most `limit` (clamped to 1..50)', async () => {
        const [manager] = await knownAdmins();
        const found = await host.findAdmins(partOf(manager!.email, 4), 50);
        const ids = found.map((a) => a.id);
        expect(ids).to.include(manager!.id);
        expect(new Set(ids).size, 'each admin once').to.equal(ids.length);
        const byId = await host.admins(ids);
        for (const admin of found) expect(admin, `admin ${admin.id}`).to.deep.equal(byId.get(admin.id));
        expect(ids, 'ordered by name, then id').to.deep.equal([...found].sort(compareClients).map((a) => a.id));
        // Two letters every known admin's email shares ('ex' of example.com...): a text that matches them all.
        const emails = (await knownAdmins()).map((a) => a.email.toLowerCase());
        const first = emails[0]!;
        const shared = Array.from({ length: Math.max(0, first.length - 1) }, (_, i) => first.slice(i, i + 2))
          .find((pair) => emails.every((e) => e.includes(pair)));
        expect(shared, 'the known admins\' emails share two letters').to.not.equal(undefined);
        const all = (await host.findAdmins(shared!, 50)).map((a) => a.id);
        expect(all.length).to.be.at.least(2);
        expect(await host.findAdmins(shared!, 1)).to.have.length(1);
        expect(await host.findAdmins(shared!, 2)).to.have.length(2);
        for (const limit of [0, -5, Number.NaN]) expect(await host.findAdmins(shared!, limit), `limit ${limit}`).to.have.length(1);
        expect((await host.findAdmins(shared!, 1000)).length, 'limit 1000').to.be.at.most(50);
      });

      it('answers [] for a one-character text, and takes %, _ and quotes literally', async () => {
        const [manager] = await knownAdmins();
        for (const text of ['', '  ', manager!.name.slice(0, 1), '%%', '__', "' OR '1'='1", '%\' OR 1=1 --']) {
          expect(await host.findAdmins(text, 50), JSON.stringify(text)).to.deep.equal([]);
        }
        const word = manager!.email.slice(0, 4);
        const wild = `${word.slice(0, 1)}%${word.slice(2)}`;
        expect((await host.findAdmins(wild, 50)).map((a) => a.id), JSON.stringify(wild)).not.to.include(manager!.id);
      });
    });

    describe('finding contacts', () => {
      const partOf = (text: string, length: number) => {
        const part = text.slice(1, 1 + length);
        return part === part.toUpperCase() ? part.toLowerCase() : part.toUpperCase();
      };

      it("finds a contact of any client by part of its name or email, in any case, as contacts() answers it, by name then id", async () => {
        const contact = (await host.contacts([known.contact])).get(known.contact)!;
        const word = contact.name.split(/\s+/).sort((a, b) => b.length - a.length)[0]!;
        expect(word.length, `contact ${contact.id} has a name of three letters or more`).to.be.at.least(3);
        const byName = await host.findContacts(partOf(word, Math.min(4, word.length - 1)), 50);
        expect(byName.map((c) => c.id), `by part of "${contact.name}"`).to.include(contact.id);
        const byEmail = await host.findContacts(`  ${partOf(contact.email, 4)} `, 50);
        expect(byEmail.map((c) => c.id), `by part of "${contact.email}"`).to.include(contact.id);
        const ids = byEmail.map((c) => c.id);
        expect(new Set(ids).size, 'each contact once').to.equal(ids.length);
        const byId = await host.contacts(ids);
        for (const found of byEmail) expect(found, `contact ${found.id}`).to.deep.equal(byId.get(found.id));
        expect(ids, 'ordered by name, then id').to.deep.equal([...byEmail].sort(compareClients).map((c) => c.id));
        // The second client's contacts are found too: the search is not confined to one client.
        const other = (await host.contactsOfClients([known.clients[1]]))[0]!;
        expect((await host.findContacts(other.email, 50)).map((c) => c.id), `contact ${other.id} of the second client`).to.include(other.id);
        expect(await host.findContacts(contact.email, 1)).to.have.length(1);
      });

      it('answers [] for a one-character text, and takes %, _ and quotes literally', async () => {
        const contact = (await host.contacts([known.contact])).get(known.contact)!;
        for (const text of ['', '  ', contact.name.slice(0, 1), '%%', '__', "' OR '1'='1", '%\' OR 1=1 --']) {
          expect(await host.findContacts(text, 50), JSON.stringify(text)).to.deep.equal([]);
        }
        const word = contact.email.slice(0, 4);
        const wild = `${word.slice(0, 1)}%${word.slice(2)}`;
        expect((await host.findContacts(wild, 50)).map((c) => c.id), JSON.stringify(wild)).not.to.include(contact.id);
      });
    });

    describe('contacts', () => {
      it('lists the contacts of many clients at once, and only theirs', async () => {
        const both = await host.contactsOfClients(known.clients);
        for (const clientId of known.clients) {
          expect(both.map((c) => c.clientId), `contacts of client ${clientId}`).to.include(clientId);
        }
        expect(both.map((c) => c.id)).to.include(known.contact);
        for (const contact of both) expect(known.clients, `the client of contact ${contact.id}`).to.include(contact.clientId);
        const second = await host.contactsOfClients([known.clients[1]]);
        expect(second.length).to.be.above(0);
        for (const contact of second) expect(contact.clientId, `contact ${contact.id}`).to.equal(known.clients[1]);
      });

      it('agrees with contacts() on every contact it lists', async () => {
        const listed = await host.contactsOfClients(known.clients);
        const byId = await host.contacts(listed.map((c) => c.id));
        for (const contact of listed) expect(byId.get(contact.id), `contact ${contact.id}`).to.deep.equal(contact);
        expect(byId.get(known.contact)!.clientId, 'the known contact belongs to the first known client').to.equal(known.clients[0]);
      });

      it('lists each contact once, even when its client is asked twice; nothing for no clients or unknown ones', async () => {
        const once = await host.contactsOfClients(known.clients);
        const twice = await host.contactsOfClients([...known.clients, ...known.clients, known.clients[0]]);
        expect(sorted(twice.map((c) => c.id))).to.deep.equal(sorted(once.map((c) => c.id)));
        expect(new Set(once.map((c) => c.id)).size, 'each contact once').to.equal(once.length);
        expect(await host.contactsOfClients([])).to.deep.equal([]);
        expect(await host.contactsOfClients([absentIdLike(known.clients[0], 1), ...IMPOSSIBLE_IDS])).to.deep.equal([]);
      });

      it('has at most one main contact per client', async () => {
        const contacts = await host.contactsOfClients(known.clients);
        for (const contact of contacts) expect(contact.isMain, `contact ${contact.id} isMain`).to.be.a('boolean');
        for (const clientId of known.clients) {
          expect(contacts.filter((c) => c.clientId === clientId && c.isMain), `main contacts of ${clientId}`).to.have.length.below(2);
        }
      });

      it("marks a client's main contact as main", async function () {
        if (known.mainContact === undefined) this.skip();
        const contacts = await host.contactsOfClients([known.clients[0]]);
        expect(contacts.filter((c) => c.isMain).map((c) => c.id)).to.deep.equal([known.mainContact]);
        expect((await host.contacts([known.mainContact])).get(known.mainContact)!.isMain).to.equal(true);
      });
    });

    describe('services', () => {
      it('lists the services of many clients at once, and only theirs', async () => {
        const both = await host.servicesOfClients(known.clients);
        for (const clientId of known.clients) {
          expect(both.map((s) => s.clientId), `services of client ${clientId}`).to.include(clientId);
        }
        expect(both.map((s) => s.id)).to.include(known.service);
        for (const service of both) expect(known.clients, `the client of service ${service.id}`).to.include(service.clientId);
        const second = await host.servicesOfClients([known.clients[1]]);
        expect(second.length).to.be.above(0);
        for (const service of second) expect(service.clientId, `service ${service.id}`).to.equal(known.clients[1]);
      });

      it('agrees with services() on every service it lists, passwords included', async () => {
        const listed = await host.servicesOfClients(known.clients);
        const byId = await host.services(listed.map((s) => s.id));
        for (const service of listed) expect(comparable(byId.get(service.id)), `service ${service.id}`).to.deep.equal(comparable(service));
        expect(byId.get(known.service)!.clientId, 'the known service belongs to the first known client').to.equal(known.clients[0]);
      });

      it('lists each service once, even when its client is asked twice; nothing for no clients or unknown ones', async () => {
        const once = await host.servicesOfClients(known.clients);
        const twice = await host.servicesOfClients([...known.clients, ...known.clients, known.clients[0]]);
        expect(sorted(twice.map((s) => s.id))).to.deep.equal(sorted(once.map((s) => s.id)));
        expect(new Set(once.map((s) => s.id)).size, 'each service once').to.equal(once.length);
        expect(await host.servicesOfClients([])).to.deep.equal([]);
        expect(await host.servicesOfClients([absentIdLike(known.clients[0], 1), ...IMPOSSIBLE_IDS])).to.deep.equal([]);
      });

      it("names a product that exists as a service's product", async () => {
        const services = await host.servicesOfClients(known.clients);
        const products = await host.products(services.map((s) => s.productId));
        for (const service of services) expect(products.has(service.productId), `the product of service ${service.id}`).to.equal(true);
      });

      it('hands a service password over only as a Secret', async () => {
        const services = [...await host.servicesOfClients(known.clients), ...(await host.services(knownIds(known, 'services'))).values()];
        for (const service of services) {
          if (service.password !== null) expect(service.password, `service ${service.id} password`).to.be.instanceOf(Secret);
        }
      });

      it('never prints a service password: JSON, String(), templates and inspect show a placeholder', async function () {
        if (known.serviceWithPassword === undefined) this.skip();
        const service = (await host.services([known.serviceWithPassword])).get(known.serviceWithPassword)!;
        expect(service.password).to.be.instanceOf(Secret);
        const clear = service.password!.expose();
        expect(clear).to.be.a('string').and.not.equal('');
        for (const [how, text] of [
          ['JSON.stringify', JSON.stringify(service)], ['String()', String(service.password)], ['a template literal', `${service.password}`],
          ['util.inspect', inspect(service, { depth: 10 })], ['string concatenation', '' + service.password],
        ] as const) {
          expect(text, how).not.to.contain(clear);
        }
        const { password: _password, ...rest } = service;
        expect(JSON.stringify(rest), 'no other field carries the password').not.to.contain(clear);
        expect(inspect(rest, { depth: 10, showHidden: true }), 'no hidden field carries the password').not.to.contain(clear);
      });

      it('answers a missing username or password as null, never as an empty value', async () => {
        for (const service of await host.servicesOfClients(known.clients)) {
          if (service.username !== null) expect(service.username.trim(), `service ${service.id} username`).not.to.equal('');
          if (service.password !== null) expect(service.password.length, `service ${service.id} password`).to.be.above(0);
        }
      });

      it('gives every service a status among SERVICE_STATUSES, the same from services() and servicesOfClients()', async () => {
        const listed = await host.servicesOfClients(known.clients);
        const byId = await host.services([...listed.map((s) => s.id), ...knownIds(known, 'services')]);
        for (const service of [...listed, ...byId.values()]) {
          expect(SERVICE_STATUSES, `service ${service.id} status`).to.include(service.status);
        }
        for (const service of listed) expect(byId.get(service.id)!.status, `service ${service.id}`).to.equal(service.status);
      });

      it("answers each service's host status as the ServiceStatus it means", async function () {
        if (known.serviceStatuses === undefined) this.skip();
        const expected = known.serviceStatuses;
        const byId = await host.services(Object.keys(expected));
        const clientIds = [...new Set([...byId.values()].map((s) => s.clientId))];
        const listed = new Map((await host.servicesOfClients(clientIds)).map((s) => [s.id, s]));
        for (const [id, status] of Object.entries(expected)) {
          expect(byId.get(id)?.status, `services(): service ${id}`).to.equal(status);
          expect(listed.get(id)?.status, `servicesOfClients(): service ${id}`).to.equal(status);
        }
        expect(Object.values(expected).some((s) => s !== 'active'), 'the fixture names a service that is not active').to.equal(true);
      });

      it('answers a login URL as null or an absolute http(s) address', async () => {
        for (const service of await host.servicesOfClients(known.clients)) {
          if (service.loginUrl === null) continue;
          expect(service.loginUrl, `service ${service.id}`).to.be.a('string');
          expect(URL.canParse(service.loginUrl), `service ${service.id}: ${service.loginUrl}`).to.equal(true);
          expect(new URL(service.loginUrl).protocol, `service ${service.id}`).to.be.oneOf(['http:', 'https:']);
        }
      });
    });

    describe('tickets', () => {
      it('answers a ticket with the client, contact and service it is about, and its subject and status as strings', async () => {
        const ticket = (await host.tickets([known.ticket.id])).get(known.ticket.id);
        expect(ticket).to.deep.include(known.ticket);
        expect(ticket!.subject).to.be.a('string');
        expect(ticket!.status).to.be.a('string');
      });

      it("a ticket's client, contact and service exist and belong together", async () => {
        const ticket = (await host.tickets([known.ticket.id])).get(known.ticket.id)!;
        expect((await host.clients([ticket.clientId])).has(ticket.clientId), 'the client').to.equal(true);
        if (ticket.contactId !== null) {
          expect((await host.contacts([ticket.contactId])).get(ticket.contactId)?.clientId, 'the contact is of the client').to.equal(ticket.clientId);
        }
        if (ticket.serviceId !== null) {
          expect((await host.services([ticket.serviceId])).get(ticket.serviceId)?.clientId, 'the service is of the client').to.equal(ticket.clientId);
        }
      });

      it('leaves out a ticket that concerns no client', async function () {
        if (known.guestTicket === undefined) this.skip();
        const tickets = await host.tickets([known.guestTicket, known.ticket.id]);
        expect(sorted(tickets.keys())).to.deep.equal([known.ticket.id]);
      });
    });

    describe('devices', () => {
      it('answers a device of a client that exists', async function () {
        if (known.device === undefined) this.skip();
        const device = (await host.devices([known.device])).get(known.device)!;
        expect(device.clientId).to.be.a('string');
        expect((await host.clients([device.clientId])).has(device.clientId), 'the client').to.equal(true);
      });

      it("lists a client's devices as devices() answers them, each once, and none of another client", async () => {
        const listed = await host.devicesOfClients([...known.clients, ...known.clients]);
        expect(new Set(listed.map((d) => d.id)).size, 'each device once').to.equal(listed.length);
        for (const device of listed) expect(known.clients, `the client of device ${device.id}`).to.include(device.clientId);
        const byId = await host.devices(listed.map((d) => d.id));
        for (const device of listed) expect(byId.get(device.id), `device ${device.id}`).to.deep.equal(device);
        if (known.device !== undefined) {
          const device = (await host.devices([known.device])).get(known.device)!;
          expect((await host.devicesOfClients([device.clientId])).map((d) => d.id)).to.include(known.device);
        }
        expect(await host.devicesOfClients([])).to.deep.equal([]);
        expect(await host.devicesOfClients([absentIdLike(known.clients[0], 1), ...IMPOSSIBLE_IDS])).to.deep.equal([]);
      });
    });
  });
}
