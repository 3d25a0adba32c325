import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';

/**
 * A WHMCS external API on 127.0.0.1 that answers as the API reference
 * documents (https://developers.whmcs.com/api-reference/): form-encoded POST
 * to /includes/api.php, `identifier` + `secret` (or `username` + `password`),
 * `responsetype=json`, `result: "error"` with a `message`, paging with
 * `limitstart` / `limitnum` (default 25) answered with `totalresults`,
 * `startnumber` and `numreturned`.
 *
 * The records are the reference's own example responses (Price Beier,
 * Angelica Mohr, "Starter" on demodomain.com, "This is a sample ticket"...)
 * with a few more rows for paging, groups and edge cases. Numbers come as
 * strings where the reference's examples show strings (GetClients,
 * GetClientsProducts, GetTicket, GetContacts in their older form) and as
 * numbers where they show numbers (GetAdminUsers, GetProducts,
 * GetClientsDetails in WHMCS 8).
 */

export const API_IDENTIFIER = 'D4j1dKYE3g40VROOPCGyJ9zRwP0ADJIv';
export const API_SECRET = 'F1CKGXRIpylMfsrig3mwwdSdYUdLiFlo';

export interface ApiRequest {
  action: string;
  params: Record<string, string>;
  /** When the request arrived and when its answer was sent (performance.now(), ms). */
  arrivedAt: number;
  answeredAt: number | null;
}

export interface SentMail {
  kind: 'client' | 'admin';
  params: Record<string, string>;
}

type Row = Record<string, unknown>;

export interface FakeWhmcsOptions {
  /** Answer GetClientsDetails in the pre-8.0 form: the client's fields at the top level, numbers as strings. */
  legacyClientDetails?: boolean;
  /** Milliseconds every API call waits before answering: a slow WHMCS. */
  delayMs?: number;
}

/**
 * How an action fails instead of answering: `error`, WHMCS's own error
 * answer quoting its database's failure (what a WHMCS whose MySQL is down
 * sends); `silence`, no answer at all (a stuck PHP worker): the request stays
 * open until the caller gives up or the fake closes.
 */
export type WhmcsFault = 'error' | 'silence';

/** The message of an `error` fault: WHMCS passing on its database driver's words. */
export const FAULT_MESSAGE = 'SQLSTATE[HY000] [2002] Connection refused';

export class FakeWhmcs {
  readonly requests: ApiRequest[] = [];
  /** Actions that fail as their fault says, every other action answering as usual; reset() clears them. */
  readonly faults = new Map<string, WhmcsFault>();
  readonly mails: SentMail[] = [];
  /** Answer every request with this instead (HTML error pages, redirects...). */
  override: ((res: ServerResponse) => void) | null = null;
  legacyClientDetails: boolean;
  /** Milliseconds every API call waits before answering; tests may change it between calls. */
  delayMs: number;

  readonly admins: Row[] = [
    {
      id: 1, uuid: '41dac92c-2f1a-474b-bef8-5e9a7e46e101', roleId: 1, username: 'Admin', twoFactorAuthModule: '',
      firstname: 'Demo', lastname: 'User', email: 'demo@whmcs.com', signature: '', notes: '', template: 'blend',
      language: 'english', isDisabled: 0, loginAttempts: 0, supportDepartmentIds: ['1', '2', '3'],
      receivesTicketNotifications: ['1', '2'], homepageWidgetsConfig: '', hiddenHomepageWidgets: '',
      created_at: '2018-01-01 00:00:00', updated_at: '2018-09-04 09:51:26', fullName: 'Demo User',
      gravatarHash: '56487cdd284a735449d029e062d654d7',
    },
    {
      id: 2, uuid: '', roleId: 2, username: 'Georgina', twoFactorAuthModule: '', firstname: 'Georgina', lastname: 'Williams',
      email: 'georgina.williams@whmcs.com', signature: '', notes: '', template: 'blend', language: 'english', isDisabled: 0,
      loginAttempts: 0, supportDepartmentIds: ['2', '3'], receivesTicketNotifications: [''], homepageWidgetsConfig: '',
      hiddenHomepageWidgets: '', created_at: '2018-01-01 00:00:00', updated_at: '2018-05-01 12:54:16',
      fullName: 'Georgina Williams', gravatarHash: 'f8c28cf89551c390ae43938167d35cb8',
    },
    {
      id: 3, uuid: '', roleId: 3, username: 'Pierre', twoFactorAuthModule: '', firstname: 'Pierre', lastname: 'Durand',
      email: 'pierre@example.com', signature: '', notes: '', template: 'blend', language: 'french', isDisabled: 1,
      loginAttempts: 0, supportDepartmentIds: [], receivesTicketNotifications: [], homepageWidgetsConfig: '',
      hiddenHomepageWidgets: '', created_at: '2019-01-01 00:00:00', updated_at: '2019-01-01 00:00:00',
      fullName: 'Pierre Durand', gravatarHash: '',
    },
  ];

  readonly clients: Row[] = [
    { id: 1, firstname: 'Price', lastname: 'Beier', companyname: '', email: 'cecelia99@example.com', datecreated: '2016-01-01', groupid: 0, status: 'Active', language: '' },
    { id: 2, firstname: 'Angelica', lastname: 'Mohr', companyname: 'Mohr & Daughters', email: 'price.ima@example.com', datecreated: '2016-01-15', groupid: 1, status: 'Active', language: 'french' },
    { id: 3, firstname: 'Test', lastname: 'Client', companyname: '', email: 'test-client@example.com', datecreated: '2016-03-10', groupid: 2, status: 'Closed', language: 'german' },
  ];

  readonly clientGroups: Row[] = [
    { id: '1', groupname: 'Client Group 1', groupcolour: '#28C99B', discountpercent: '10.00', susptermexempt: 'on', separateinvoices: 'on' },
    { id: '2', groupname: 'Client Group 2', groupcolour: '#FFFFFF', discountpercent: '0.00', susptermexempt: '', separateinvoices: '' },
  ];

  readonly contacts: Row[] = [
    { id: '1', userid: '1', firstname: 'Test', lastname: 'Contact', email: 'contact@example.com' },
    { id: '2', userid: '2', firstname: 'Ana', lastname: 'Mohr', email: 'ana@example.com' },
    { id: '3', userid: '2', firstname: 'Ben', lastname: 'Mohr', email: 'ben@example.com' },
    { id: '4', userid: '2', firstname: 'Cleo', lastname: 'Mohr', email: 'cleo@example.com' },
    { id: '5', userid: '3', firstname: 'Dan', lastname: 'Client', email: 'dan@example.com' },
    { id: '6', userid: '2', firstname: 'Eve', lastname: 'Mohr', email: 'eve@example.com' },
    { id: '7', userid: '2', firstname: 'Fay', lastname: 'Mohr', email: 'fay@example.com' },
  ];

  readonly products: Row[] = [
    { pid: 1, gid: 1, type: 'hostingaccount', name: 'Starter', slug: 'starter', module: 'cpanel', paytype: 'recurring' },
    { pid: 3, gid: 1, type: 'hostingaccount', name: 'Plus', slug: 'plus', module: 'cpanel', paytype: 'recurring' },
    { pid: 5, gid: 2, type: 'server', name: 'Best Hosting Plan', slug: 'best-hosting-plan', module: 'cpanel', paytype: 'recurring' },
  ];

  readonly services: Row[] = [
    service('1', '1', '1', 'Starter', 'Shared Hosting', 'demodomain.com', 'demodoma', 'Dem0-d0ma1n-pw', 'saturn.example.com', 'Terminated'),
    service('2', '1', '3', 'Plus', 'Shared Hosting', 'demodomain2.net', 'demodom2', 'Plut0-pw-2', 'pluto.example.com', 'Active'),
    service('3', '2', '5', 'Best Hosting Plan', 'Servers', '', '', '', 'saturn.example.com', 'Active'),
    service('4', '2', '1', 'Starter', 'Shared Hosting', 'mohr.example', 'mohr', 'm0hr-{$client_password}', 'saturn.example.com', 'Active'),
  ];

  readonly tickets: Row[] = [
    { ticketid: '1', tid: '516757', c: 'KPqH7yG3', deptid: '1', deptname: 'Sample Support Department', userid: '1', contactid: '0', name: 'Cynthia Reilly', email: 'testuser@whmcs.com', cc: '', date: '2016-01-01 06:26:29', subject: 'This is a sample ticket', status: 'Closed', priority: 'Medium', admin: '', lastreply: '2016-01-01 06:30:16', flag: '0', service: '' },
    { ticketid: '2', tid: '628191', c: 'Zq8f2kLm', deptid: '1', deptname: 'Sample Support Department', userid: '2', contactid: '3', name: 'Ben Mohr', email: 'ben@example.com', cc: '', date: '2016-02-01 09:00:00', subject: 'Cannot log in to my server', status: 'Open', priority: 'High', admin: '', lastreply: '2016-02-01 09:00:00', flag: '0', service: 'S3' },
    { ticketid: '3', tid: '731002', c: 'Hh7Yt1Qa', deptid: '1', deptname: 'Sample Support Department', userid: '0', contactid: '0', name: 'A Visitor', email: 'visitor@example.net', cc: '', date: '2016-03-01 10:00:00', subject: 'Pre-sales question', status: 'Open', priority: 'Low', admin: '', lastreply: '2016-03-01 10:00:00', flag: '0', service: '' },
  ];

  #server: Server | null = null;
  url = '';

  constructor(options: FakeWhmcsOptions = {}) {
    this.legacyClientDetails = options.legacyClientDetails ?? false;
    this.delayMs = options.delayMs ?? 0;
  }

  static async start(options: FakeWhmcsOptions = {}): Promise<FakeWhmcs> {
    const fake = new FakeWhmcs(options);
    fake.#server = createServer((req, res) => {
      fake.#handle(req, res).catch(() => {
        res.statusCode = 500;
        res.end('internal error');
      });
    });
    await new Promise<void>((resolve) => fake.#server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    // Calls still waiting out a delay are cut, as a WHMCS going away cuts them.
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  /** Requests for one action (or all), forgetting nothing. */
  count(action?: string): number {
    return action ? this.requests.filter((r) => r.action === action).length : this.requests.length;
  }

  /**
   * How many calls had to wait for one another: the longest chain of requests
   * in which each arrived only after the one before it was answered. Calls
   * made in parallel share a round; with a per-call delay, a render takes
   * about rounds × delay.
   */
  sequentialRounds(): number {
    const depth = new Map<ApiRequest, number>();
    const byArrival = [...this.requests].sort((a, b) => a.arrivedAt - b.arrivedAt);
    for (const request of byArrival) {
      const before = byArrival.filter((r) => r.answeredAt !== null && r.answeredAt <= request.arrivedAt);
      depth.set(request, 1 + Math.max(0, ...before.map((r) => depth.get(r) ?? 0)));
    }
    return Math.max(0, ...depth.values());
  }

  reset(): void {
    this.requests.length = 0;
    this.mails.length = 0;
    this.override = null;
    this.faults.clear();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.override) {
      this.override(res);
      return;
    }
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/includes/api.php') {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not Found</h1>');
      return;
    }
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const action = params.action ?? '';
    const request: ApiRequest = { action, params, arrivedAt: performance.now(), answeredAt: null };
    this.requests.push(request);
    const fault = this.faults.get(action);
    if (fault === 'silence') return;
    // Unref'd: a call still waiting must not keep the test process alive once everything else is done.
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs).unref());
    const identifier = params.identifier ?? params.username;
    const secret = params.secret ?? params.password;
    let body: Row;
    if (identifier !== API_IDENTIFIER || secret !== API_SECRET) body = error('Authentication Failed');
    else if (params.responsetype !== 'json') body = error('Only the json response type is modelled here');
    else if (fault === 'error') body = error(FAULT_MESSAGE);
    else body = this.#answer(action, params);
    request.answeredAt = performance.now();
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  }

  #answer(action: string, p: Record<string, string>): Row {
    switch (action) {
      case 'GetAdminDetails':
        return {
          result: 'success', adminid: '1', name: 'Demo User', notes: '', signature: '',
          allowedpermissions: 'Main Homepage,My Account,List Clients,View Clients Summary,View Support Ticket,API Access,Addon Modules',
          departments: ',1,', whmcs: { version: '8.13.1', canonicalversion: '8.13.1-release.1' },
        };
      case 'GetAdminUsers': {
        const admins = this.admins.filter((a) => p.include_disabled === '1' || p.include_disabled === 'true' || a.isDisabled === 0)
          .filter((a) => !p.roleid || String(a.roleId) === p.roleid);
        return { result: 'success', count: admins.length, admin_users: admins };
      }
      case 'GetClients': {
        // `search` matches names, company and email, in any case (WHMCS's LIKE on a case-insensitive collation), literally.
        const search = (p.search ?? '').toLowerCase();
        const matching = search === '' ? this.clients : this.clients.filter((c) =>
          [c.firstname, c.lastname, `${c.firstname} ${c.lastname}`, c.companyname, c.email].some((v) => String(v).toLowerCase().includes(search)));
        const page = paged(matching, p);
        return {
          result: 'success', totalresults: String(matching.length), startnumber: String(page.start), numreturned: String(page.items.length),
          clients: { client: page.items.map((c) => stringify({ ...c, language: undefined })) },
        };
      }
      case 'GetClientsDetails': {
        const client = this.clients.find((c) => (p.clientid && String(c.id) === p.clientid) || (p.email && c.email === p.email));
        if (!p.clientid && !p.email) return error('Either clientid Or email Is Required');
        if (!client) return error('Client Not Found');
        const full = {
          ...client, client_id: client.id, userid: client.id, owner_user_id: client.id,
          fullname: `${client.firstname} ${client.lastname}`, address1: '123 Test Street', countrycode: 'GB', currency: 1,
          credit: '0.00', email_preferences: { general: '1', invoice: '1', support: '1', product: '1', domain: '1', affiliate: '1' },
          users: { user: [{ id: client.id, name: `${client.firstname} ${client.lastname}`, email: client.email, is_owner: true }] },
        };
        if (this.legacyClientDetails) return { result: 'success', ...stringify(full) };
        return { result: 'success', client: full, ...stringify(full) };
      }
      case 'GetClientGroups':
        return { result: 'success', totalresults: String(this.clientGroups.length), groups: { group: this.clientGroups } };
      case 'GetContacts': {
        const matching = this.contacts.filter((c) => !p.userid || c.userid === p.userid).filter((c) => !p.email || c.email === p.email);
        const page = paged(matching, p);
        return {
          result: 'success', totalresults: String(matching.length), startnumber: String(page.start), numreturned: String(page.items.length),
          contacts: { contact: page.items },
        };
      }
      case 'GetProducts': {
        const ids = p.pid ? p.pid.split(',').map((id) => id.trim()) : null;
        const products = this.products.filter((x) => (!ids || ids.includes(String(x.pid))) && (!p.gid || String(x.gid) === p.gid));
        return { result: 'success', totalresults: products.length, products: { product: products } };
      }
      case 'GetClientsProducts': {
        const matching = this.services.filter((s) => (!p.clientid || s.clientid === p.clientid) && (!p.serviceid || s.id === p.serviceid)
          && (!p.pid || s.pid === p.pid));
        const page = paged(matching, p);
        return {
          result: 'success', clientid: p.clientid ?? null, serviceid: p.serviceid ?? null, pid: p.pid ?? null, domain: p.domain ?? null,
          totalresults: String(matching.length), startnumber: page.start, numreturned: page.items.length,
          // The reference does not show an empty answer; WHMCS sends an empty string for no products.
          products: page.items.length > 0 ? { product: page.items } : '',
        };
      }
      case 'GetTicket': {
        if (!p.ticketid && !p.ticketnum) return error('Ticket ID Not Found');
        const ticket = this.tickets.find((t) => t.ticketid === p.ticketid || (p.ticketnum && t.tid === p.ticketnum));
        if (!ticket) return error('Ticket ID Not Found');
        return {
          result: 'success', ...ticket,
          replies: { reply: [{ replyid: '0', userid: ticket.userid, contactid: ticket.contactid, name: ticket.name, email: ticket.email, date: ticket.date, message: 'Hey,\r\n\r\nThis is the first ticket message!', attachment: '', admin: '' }] },
          notes: { note: [] },
        };
      }
      case 'SendEmail': {
        if (!p.messagename && !p.customtype) return error('You must provide either an existing email template name or a custom message type');
        if (p.customtype && !['general', 'product', 'domain', 'invoice', 'support', 'affiliate'].includes(p.customtype)) return error('Invalid message type provided');
        if (p.customtype && !p.customsubject) return error('A subject is required for a custom message');
        if (p.customtype && !p.custommessage) return error('A message body is required for a custom message');
        if (!p.id) return error('A related ID is required');
        if (p.customtype === 'general' && !this.clients.some((c) => String(c.id) === p.id)) return error('Sending Failed. Please see documentation.');
        this.mails.push({ kind: 'client', params: p });
        return { result: 'success' };
      }
      case 'SendAdminEmail':
        this.mails.push({ kind: 'admin', params: p });
        return { result: 'success' };
      default:
        return error(`Command Not Found`);
    }
  }
}

function service(id: string, clientid: string, pid: string, name: string, groupname: string, domain: string, username: string, password: string, serverhostname: string, status: string): Row {
  return {
    id, qty: '1', clientid, orderid: id, ordernumber: `45678${id}`, pid, regdate: '2015-01-01', name, translated_name: name,
    groupname, translated_groupname: groupname, domain, dedicatedip: '', serverid: '1', servername: 'Saturn', serverip: '1.2.3.4',
    serverhostname, suspensionreason: '', firstpaymentamount: '12.95', recurringamount: '12.95', paymentmethod: 'authorize',
    paymentmethodname: 'Credit Card', billingcycle: 'Monthly', nextduedate: '2016-11-25', status, username, password,
    subscriptionid: '', promoid: '0', overideautosuspend: '', overidesuspenduntil: '0000-00-00', ns1: '', ns2: '', assignedips: '',
    notes: '', diskusage: '0', disklimit: '0', bwusage: '0', bwlimit: '0', lastupdate: '0000-00-00 00:00:00',
    customfields: { customfield: [] }, configoptions: { configoption: [] },
  };
}

function paged(items: Row[], p: Record<string, string>): { start: number; items: Row[] } {
  const start = Math.max(0, Number(p.limitstart ?? 0) || 0);
  const num = Math.max(1, Number(p.limitnum ?? 25) || 25);
  return { start, items: items.slice(start, start + num) };
}

/** The older examples' style: every scalar as a string. */
function stringify(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'number' ? String(value) : value;
  }
  return out;
}

function error(message: string): Row {
  return { result: 'error', message };
}
