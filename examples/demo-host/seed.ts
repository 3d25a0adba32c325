import { randomBytes, randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import { createLatchkey, type Actor, type Clock, type CreateEntryInput, type HostDirectory, type KeyProvider } from '../../core/index.ts';
import { hashPassword } from './passwords.ts';
import { T, writeMeta } from './schema.ts';
import type { ServicePasswords } from './secrets.ts';
import * as data from './seed-data.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Fills the demo host's own tables: staff, clients and contacts (argon2id
 * hashes of the demo password), products, services with their own logins
 * (encrypted by the host), devices, and tickets with their threads.
 */
export async function seedHost(knex: Knex, servicePasswords: ServicePasswords, now = Date.now()): Promise<void> {
  const [adminHashes, contactHashes] = await Promise.all([
    Promise.all(data.admins.map(() => hashPassword(data.DEMO_PASSWORD))),
    Promise.all(data.contacts.map((c) => (c.login ? hashPassword(data.DEMO_PASSWORD) : Promise.resolve(null)))),
  ]);
  await knex.transaction(async (trx) => {
    await trx(T.adminRoles).insert(data.adminRoles);
    await trx(T.admins).insert(data.admins.map((a, i) => ({ ...a, disabled: false, password_hash: adminHashes[i]! })));
    await trx(T.clientGroups).insert(data.clientGroups);
    await trx(T.clients).insert(data.clients.map(({ since, ...c }) => ({ ...c, created_at: now - since * DAY })));
    await trx(T.contacts).insert(data.contacts.map(({ login: _login, ...c }, i) => ({ ...c, password_hash: contactHashes[i]! })));
    await trx(T.productGroups).insert(data.productGroups);
    await trx(T.products).insert(data.products);
    await trx(T.services).insert(data.services.map(({ password, due, ...s }) => ({
      ...s,
      password_enc: password ? servicePasswords.seal(s.id, servicePassword()) : null,
      next_due_at: due === null ? null : startOfDay(now + due * DAY),
    })));
    await trx(T.devices).insert(data.devices);
    for (const { thread, ...ticket } of data.tickets) {
      const first = thread[0]!.ago;
      const last = thread[thread.length - 1]!.ago;
      await trx(T.tickets).insert({ ...ticket, created_at: now - first * HOUR, updated_at: now - last * HOUR });
      await trx(T.ticketReplies).insert(thread.map((reply) => ({
        ticket_id: ticket.id,
        author_kind: reply.admin !== undefined ? 'admin' : 'client',
        author_admin_id: reply.admin ?? null,
        author_contact_id: reply.contact ?? null,
        message: reply.message,
        created_at: now - reply.ago * HOUR,
      })));
    }
    await writeMeta(trx, 'host_seeded_at', String(now));
  });
}

/** A service password of the kind control panels generate. */
function servicePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+=?@';
  let out = '';
  for (let i = 0; i < 18; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
}

/** A clock the seed sets for each step, so entries get believable ages (and some fall due for rotation). */
class SeedClock implements Clock {
  #at: number;
  #step = 0;
  constructor(private readonly base: number) {
    this.#at = base;
  }
  /** Steps run oldest first; each one a few minutes after the last, so the audit log reads in order. */
  daysAgo(days: number): void {
    this.#step += 1;
    this.#at = this.base - days * DAY - 10 * HOUR + this.#step * 7 * 60_000;
  }
  now(): Date {
    return new Date(this.#at);
  }
}

const admin = (id: number): Actor => ({ kind: 'admin', adminId: String(id) });
const client = (id: number): Actor => ({ kind: 'client', clientId: String(id) });
const contact = (clientId: number, contactId: number): Actor => ({ kind: 'client', clientId: String(clientId), contactId: String(contactId) });
const system: Actor = { kind: 'system' };

function totpSeed(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(randomBytes(32), (b) => alphabet[b % 32]).join('');
}

/**
 * Latchkey's side of the demo, written through its public API as a host's
 * staff and clients would: the access settings, admin and client categories,
 * access details owned by staff and by clients (some shared; several overdue
 * for rotation, in each language, so the mailbox fills on the first start,
 * and two due within the fortnight), people watching entries, a changed
 * password and a few reveals for the audit log. Steps are written with their
 * age in days and run oldest first.
 */
export async function seedVault(options: {
  knex: Knex; keys: KeyProvider; host: HostDirectory; tablePrefix?: string; now?: number;
}): Promise<void> {
  const clock = new SeedClock(options.now ?? Date.now());
  const lk = await createLatchkey({
    database: { knex: options.knex }, keys: options.keys, host: options.host, clock, tablePrefix: options.tablePrefix,
  });
  const pw = () => lk.generatePassword({ length: 20 }).expose();
  const plan: Array<{ days: number; run: () => Promise<unknown> }> = [];
  const made = new Map<string, { id: string; version: number }>();
  const id = (name: string) => made.get(name)!.id;
  const step = (days: number, run: () => Promise<unknown>) => plan.push({ days, run });
  const category = (days: number, key: string, actor: Actor, name: string, members: Array<{ kind: 'admin_role' | 'contact'; id: string; canEdit?: boolean }>) =>
    step(days, async () => made.set(key, { id: (await lk.categories.create(actor, { name, members })).id, version: 1 }));
  const entry = (days: number, actor: Actor, input: () => CreateEntryInput, key?: string) =>
    step(days, async () => {
      const view = await lk.entries.create(actor, input());
      if (key) made.set(key, view);
    });

  step(420, () => lk.settings.update(system, {
    adminAccessMode: 'restricted',
    allowedAdminRoleIds: ['2'], // Support sees client data...
    extendedAdminRoleIds: ['1'], // ...Full Administrators see and edit everything.
    defaultReminderDays: 365,
  }));

  // Admin categories, run by the addon manager.
  category(410, 'network', admin(1), 'Network & infrastructure', [{ kind: 'admin_role', id: '2', canEdit: true }]);
  category(410, 'payments', admin(1), 'Payment providers', [{ kind: 'admin_role', id: '3' }]);
  category(405, 'registrars', admin(1), 'Registrars & DNS', [{ kind: 'admin_role', id: '2' }, { kind: 'admin_role', id: '3' }]);

  // The company's own accounts, owned by staff.
  entry(400, admin(1), () => ({
    name: 'Stripe — Northwind Hosting', username: 'billing@northwind-hosting.example', password: pw(),
    websiteUrl: 'https://dashboard.stripe.com/', totpSecret: totpSeed(), categoryId: id('payments'), reminderDays: 90,
    notes: 'Payouts every Monday to the business account. Two-factor codes: the shared authenticator in the office safe.',
  }), 'stripe');
  entry(380, admin(1), () => ({
    name: 'Domain registrar — reseller panel', username: 'northwind-reseller', password: pw(),
    loginUrl: 'https://reseller.registrar.example/login', categoryId: id('registrars'),
    notes: 'API access is restricted to 203.0.113.0/28.',
  }));
  entry(150, admin(2), () => ({
    name: 'Core switch sw-core-01', username: 'admin', password: pw(), loginUrl: 'https://10.20.0.2/',
    categoryId: id('network'), reminderDays: 160, notes: 'Serial console: 115200 8N1, rack B3, U41.',
  }));
  entry(60, admin(4), () => ({
    name: 'Off-site backup storage', username: 'u284913', password: pw(), loginUrl: 'https://backup.northwind-hosting.example/',
    categoryId: id('network'), notes: 'The Borg repository key is in the safe, envelope 7.',
  }));
  entry(30, admin(1), () => ({
    name: 'Business bank account', username: 'NW-HOSTING-01', password: pw(), websiteUrl: 'https://online.bank.example/business',
  }));

  // Access details staff keep for clients.
  entry(200, admin(2), () => ({
    name: 'Cloudflare (DNS for blueharbourcoffee.example)', clientId: '1', username: 'hello@blueharbourcoffee.example',
    password: pw(), loginUrl: 'https://dash.cloudflare.com/login', reminderDays: 180,
    grants: [{ kind: 'client', id: '1' }],
  }), 'cloudflare');
  entry(90, admin(4), () => ({
    name: 'Sophos XGS — WebAdmin', clientId: '3', deviceId: '3', username: 'admin', password: pw(),
    loginUrl: 'https://192.0.2.10:4444/', notes: 'Firmware SFOS 20. Change window: Tuesdays 18:00–20:00.',
    grants: [{ kind: 'admin_role', id: '2', canEdit: true }, { kind: 'contact', id: '6' }],
  }));
  entry(2, admin(3), () => ({
    name: 'SSH temporaire — mise à jour Debian', clientId: '2', serviceId: '5', ticketId: '3', username: 'hugo-tmp',
    password: pw(), notes: 'Compte à supprimer après la mise à jour du week-end.', grants: [{ kind: 'contact', id: '4' }],
    private: true,
  }));
  entry(1, admin(2), () => ({
    name: 'staging.pixelforge.example — HTTP authentication', clientId: '6', serviceId: '12', ticketId: '11',
    username: 'pixelforge', password: pw(), loginUrl: 'https://staging.pixelforge.example/',
    grants: [{ kind: 'client', id: '6' }, { kind: 'admin_role', id: '2', canEdit: true }],
  }));

  // Linked to a contact or a device: each shows on that contact's or device's own page.
  entry(160, admin(2), () => ({
    name: 'WordPress staging — Tom’s developer login', clientId: '1', contactId: '2', username: 'tom-dev', password: pw(),
    loginUrl: 'https://staging.blueharbourcoffee.example/wp-admin/', notes: 'Tom builds the shop theme; remove this login when he hands over.',
  }));
  entry(75, admin(2), () => ({
    name: 'Back-office NAS — DSM admin', clientId: '1', deviceId: '2', username: 'nwh-support', password: pw(),
    loginUrl: 'https://192.168.10.20:5001/', notes: 'Hyper Backup to our off-site storage runs nightly at 02:00.',
  }));
  entry(110, admin(4), () => ({
    name: 'Microsoft 365 — Petras Administratorkonto', clientId: '3', contactId: '6', username: 'it@bergmann-metallbau.example',
    password: pw(), websiteUrl: 'https://admin.microsoft.com/',
  }));
  entry(50, admin(2), () => ({
    name: 'Studio NAS — QTS admin', clientId: '6', deviceId: '5', username: 'admin', password: pw(), loginUrl: 'https://10.6.0.5:8080/',
  }));

  entry(400, admin(4), () => ({
    name: 'srv00 — BMC (alter Server)', clientId: '3', serviceId: '16', username: 'ADMIN', password: pw(),
    loginUrl: 'https://203.0.113.55/', notes: 'Alter Server, wird durch srv01 ersetzt.',
  }));

  // Clients' own access details, and the categories they file them in.
  category(320, 'shop', client(1), 'Shop & payments', [{ kind: 'contact', id: '2', canEdit: true }]);
  category(320, 'office', client(1), 'Office', []);
  entry(300, client(1), () => ({
    name: 'Square POS back office', username: 'hello@blueharbourcoffee.example', password: pw(),
    websiteUrl: 'https://squareup.com/login', categoryId: id('shop'), reminderDays: 180,
  }), 'square');
  entry(120, client(1), () => ({
    name: 'Stripe (shop payments)', username: 'hello@blueharbourcoffee.example', password: pw(),
    websiteUrl: 'https://dashboard.stripe.com/login', totpSecret: totpSeed(), categoryId: id('shop'), sharedWithAdmin: true,
    notes: 'The webhook signing secret is in WooCommerce → Settings → Payments.',
  }), 'shopStripe');
  entry(45, client(1), () => ({
    name: 'Café router admin', deviceId: '1', username: 'admin', password: pw(), loginUrl: 'https://192.168.10.1/',
    categoryId: id('office'), sharedWithAdmin: true,
  }));
  entry(10, client(1), () => ({
    name: 'Mailchimp', username: 'hello@blueharbourcoffee.example', password: pw(), websiteUrl: 'https://login.mailchimp.com/',
  }));
  entry(180, client(2), () => ({
    name: 'WordPress — Boulangerie Martin (cliente)', username: 'atelier-lumiere', password: pw(),
    loginUrl: 'https://boulangerie-martin.example/wp-admin/', sharedWithAdmin: true,
  }));
  entry(40, client(2), () => ({
    name: 'Figma — compte de l’atelier', username: 'contact@atelier-lumiere.example', password: pw(),
    websiteUrl: 'https://www.figma.com/login', reminderDays: 30,
  }));
  category(230, 'accounting', client(3), 'Buchhaltung', []);
  entry(220, client(3), () => ({
    name: 'DATEV Unternehmen online', username: 'bergmann-metallbau', password: pw(), websiteUrl: 'https://duo.datev.de/',
    categoryId: id('accounting'), reminderDays: 180,
  }));
  entry(15, client(3), () => ({
    name: 'VPN-Zugang Werkstatt (Sophos Connect)', deviceId: '3', username: 'j.bergmann', password: pw(), sharedWithAdmin: true,
  }));
  entry(3, client(4), () => ({
    name: 'cPanel del proveedor anterior', serviceId: '8', ticketId: '5', username: 'casaoliv', password: pw(),
    loginUrl: 'https://cpanel.proveedor-anterior.example:2083/', sharedWithAdmin: true,
    notes: 'Copia de seguridad completa solicitada el lunes. Los correos están en la cuenta hola@.',
  }));
  entry(95, client(5), () => ({
    name: 'Prenotazioni online — pannello gestore', username: 'info@trattoriadafranca.example', password: pw(),
    websiteUrl: 'https://prenotazioni.example/gestore', reminderDays: 90,
  }));
  category(270, 'sites', client(6), 'Client websites', [{ kind: 'contact', id: '10', canEdit: false }]);
  entry(260, client(6), () => ({
    name: 'Harper & Co — WordPress admin', username: 'pixelforge', password: pw(), loginUrl: 'https://harperandco.example/wp-admin/',
    categoryId: id('sites'), sharedWithAdmin: true,
  }));
  entry(130, client(6), () => ({
    name: 'GitHub organisation (deploy bot)', username: 'pixelforge-deploy', password: pw(), websiteUrl: 'https://github.com/login',
    totpSecret: totpSeed(),
  }));
  entry(200, client(7), () => ({
    name: 'Reception PC — Windows login', deviceId: '4', username: 'reception', password: pw(), reminderDays: 90,
    sharedWithAdmin: true,
  }));
  entry(70, client(7), () => ({
    name: 'Practice management software', username: 'p.shah', password: pw(), websiteUrl: 'https://practice.dental.example/',
    reminderDays: 75,
  }));
  entry(500, client(8), () => ({
    name: 'Buchungssystem — Administration', username: 'a.schaefer', password: pw(),
    loginUrl: 'https://booking.nordlicht-reisen.example/admin/',
  }));

  // People who asked to hear of password changes (and so get the reminders too): Carmen, in
  // Spanish, for the company's Stripe account; Tom, a contact at Blue Harbour, for the shop's.
  step(100, () => lk.entries.watch(admin(5), id('stripe'), true));
  step(100, () => lk.entries.watch(contact(1, 2), id('square'), true));
  step(100, () => lk.entries.watch(contact(1, 2), id('shopStripe'), true));

  // A little history: a changed password (Tom is told) and a few reveals in the audit log.
  step(20, () => {
    const shopStripe = made.get('shopStripe')!;
    return lk.entries.update(client(1), shopStripe.id, { version: shopStripe.version, password: pw() });
  });
  step(12, () => lk.entries.reveal(admin(2), id('cloudflare')));
  step(6, () => lk.entries.reveal(admin(1), id('stripe')));
  step(1, () => lk.entries.reveal(client(6), 'service:12'));
  // Olivia reviewed who can see what a month ago: the next review reminder is two months away.
  step(30, () => lk.accessReviews.markReviewed(admin(1)));

  plan.sort((a, b) => b.days - a.days); // stable: same-day steps keep their order
  try {
    for (const { days, run } of plan) {
      clock.daysAgo(days);
      await run();
    }
  } finally {
    await lk.close();
  }
}
