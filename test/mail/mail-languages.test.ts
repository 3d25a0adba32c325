import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { MemoryDirectory } from '../../adapters/memory/memory-directory.ts';
import { SmtpMailer } from '../../adapters/smtp/smtp-mailer.ts';
import { DEFAULT_SETTINGS, LANGUAGES, Renderer, type AdminActor, type ClientActor, type Language, type VaultSettings } from '../../core/index.ts';
import { composeMail, type MailFacts } from '../../core/mail/mail-composer.ts';
import { MAIL_PLACEHOLDERS } from '../../core/mail/placeholders.ts';
import type { MailKind } from '../../core/services/mail-outbox.ts';
import { forEachDatabase, ManualClock, openVault, type Vault } from '../support/databases.ts';
import { SmtpSink, parseMail, type ParsedMail } from './support/smtp-sink.ts';

const KINDS: readonly MailKind[] = ['reminder', 'password_changed'];

interface MailStrings {
  reminder: { subject: string; body: string };
  password_changed: { subject: string; body: string };
  newPasswordLine: string;
  openLogin: string;
  footer: string;
}

/** The mail strings of one language, straight from its locale file. */
function localeMail(language: Language): MailStrings {
  const url = new URL(`../../locales/${language}/latchkey.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { mail: MailStrings }).mail;
}

/** Leaf keys of a nested object, dotted. */
function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

/** Nothing of a missing translation or an unfilled placeholder may reach a reader. */
function expectNoLeftovers(where: string, ...parts: Array<string | null>): void {
  for (const part of parts) {
    expect(part, `${where}: a part is missing`).to.be.a('string');
    expect(part, `${where}: a raw translation key`).to.not.match(/\bmail\.[A-Za-z]/);
    for (const name of MAIL_PLACEHOLDERS) expect(part, `${where}: {{${name}}} left unfilled`).to.not.match(new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`));
    expect(part, `${where}: template syntax left over`).to.not.contain('{{');
  }
}

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);

/** Every language renders each kind from its own strings, completely: composeMail alone, no database. */
describe('mail in each language (composeMail)', () => {
  const renderer = new Renderer();
  const english = localeMail('en');

  it('every language has every mail string English has, with the same placeholders', () => {
    for (const language of LANGUAGES) {
      const strings = localeMail(language);
      expect(keysOf(strings).sort(), language).to.deep.equal(keysOf(english).sort());
      for (const key of keysOf(english)) {
        const pick = (s: MailStrings) => key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], s) as string;
        const names = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
        expect(names(pick(strings)), `${language} mail.${key}`).to.deep.equal(names(pick(english)));
      }
    }
  });

  for (const language of LANGUAGES) {
    for (const kind of KINDS) {
      it(`${language}: ${kind} is complete and in ${language}`, () => {
        const strings = localeMail(language);
        const facts: MailFacts = {
          kind, language, recipientName: 'Zoë Ångström', entryName: 'Core router', clientName: 'Acme',
          loginUrl: 'https://portal.example.test/login', days: 91,
          ...(kind === 'password_changed' ? { newPassword: 'N3w-Pa55' } : {}),
        };
        const mail = composeMail(renderer, DEFAULT_SETTINGS, facts);
        expect(mail.language).to.equal(language);
        expectNoLeftovers(`${language} ${kind}`, mail.subject, mail.text, mail.html);
        const values = { recipientName: 'Zoë Ångström', entryName: 'Core router', days: '91', newPassword: 'N3w-Pa55' };
        expect(mail.subject).to.equal(fill(strings[kind].subject, values));
        expect(mail.text).to.contain(fill(strings[kind].body, values));
        expect(mail.text).to.contain(strings.footer);
        expect(mail.html).to.contain(`<html lang="${language}">`);
        expect(mail.html).to.contain(strings.openLogin);
        expect(mail.html).to.contain('href="https://portal.example.test/login"');
        expect(mail.html).to.contain('Zoë Ångström');
        if (kind === 'reminder') expect(mail.text).to.contain('91');
        else {
          expect(mail.text).to.contain(fill(strings.newPasswordLine, values));
          expect(mail.html).to.contain('N3w-Pa55');
        }
        if (language !== 'en') expect(mail.subject).to.not.equal(composeMail(renderer, DEFAULT_SETTINGS, { ...facts, language: 'en' }).subject);
      });
    }
  }

  it('an admin change notice that places {{ newPassword }} itself (spaces and all) carries the password once', () => {
    for (const placeholder of ['{{newPassword}}', '{{ newPassword }}']) {
      const mail = composeMail(renderer, {
        mailTemplates: { password_changed: { en: { subject: 'Changed: {{entryName}}', body: `Now: ${placeholder}` } } },
      }, { kind: 'password_changed', language: 'en', recipientName: 'Ann', entryName: 'NAS', clientName: null, loginUrl: null, newPassword: 'Pw-1' });
      expect(mail.text.split('Pw-1'), placeholder).to.have.length(2);
      expect(mail.text).to.contain('Now: Pw-1');
    }
  });

  it('an admin template is filled as plain text: {{#each}}, helpers and <script> stay text, escaped in the HTML part', () => {
    const settings: Pick<VaultSettings, 'mailTemplates'> = {
      mailTemplates: {
        reminder: {
          en: {
            subject: 'Rotate {{entryName}} <script>alert(1)</script> {{#if days}}soon{{/if}}',
            body: 'Hi {{recipientName}},\n{{#each entries}}x{{/each}}\n<script>alert(1)</script>\n{{{entryName}}} {{> layout}} {{lookup this "constructor"}} {{unknownName}}',
          },
        },
      },
    };
    const facts: MailFacts = {
      kind: 'reminder', language: 'en', recipientName: '<b>Ann</b>', entryName: '{{recipientName}} & co', clientName: null, loginUrl: null, days: 30,
    };
    const mail = composeMail(renderer, settings, facts);
    expect(mail.subject).to.equal('Rotate {{recipientName}} & co <script>alert(1)</script> {{#if days}}soon{{/if}}');
    // Known placeholders are filled once (a value that looks like one stays as it is); the rest is left as written.
    expect(mail.text).to.contain([
      'Hi <b>Ann</b>,',
      '{{#each entries}}x{{/each}}',
      '<script>alert(1)</script>',
      '{{{recipientName}} & co} {{> layout}} {{lookup this "constructor"}} {{unknownName}}',
    ].join('\n'));
    expect(mail.html).to.not.match(/<script/i);
    expect(mail.html).to.not.contain('<b>Ann</b>');
    expect(mail.html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).to.contain('{{#each entries}}x{{/each}}');
    expect(mail.html).to.contain('Hi &lt;b&gt;Ann&lt;/b&gt;,');
    expect(mail.html).to.contain('{{recipientName}} &amp; co');
    // The other languages keep their defaults.
    const french = composeMail(renderer, settings, { ...facts, language: 'fr' });
    expect(french.subject).to.equal(fill(localeMail('fr').reminder.subject, { entryName: '{{recipientName}} & co' }));
  });
});

/**
 * The same through the real path: outbox rows for recipients whose host
 * language is written the host's way, sent by the SMTP mailer to a real
 * server, and read back from what the server received.
 */
forEachDatabase('mail in each language, sent through SMTP', (db) => {
  const hostLanguages: Record<Language, string> = { en: 'english', fr: 'French', de: 'de', es: 'es-ES', it: 'italian' };
  const boss: AdminActor = { kind: 'admin', adminId: 'a-boss' };
  const clientOf = (language: Language): ClientActor => ({ kind: 'client', clientId: `c-${language}` });
  const entryName = 'Mail & <Web> server';
  let vault: Vault;
  let clock: ManualClock;
  let sink: SmtpSink;
  let mailer: SmtpMailer;

  beforeEach(async () => {
    clock = new ManualClock();
    const host = new MemoryDirectory({
      adminRoles: [{ id: 'r-full', name: 'Full Administrator' }],
      admins: [{ id: 'a-boss', name: 'Bea Boss', email: 'bea@host.test', roleId: 'r-full', language: 'english', disabled: false, addonManager: true }],
      clients: LANGUAGES.map((language) => ({
        id: `c-${language}`, name: `Client ${language.toUpperCase()}`, email: `client-${language}@clients.test`,
        groupId: null, language: hostLanguages[language], status: 'Active',
      })),
    });
    vault = await openVault(db, host, { clock });
    sink = await SmtpSink.start();
    mailer = new SmtpMailer({ url: sink.url, from: '"Northwind Hosting" <noreply@northwind.test>' });
  });

  afterEach(async () => {
    mailer.close();
    await sink.close();
    await vault.close();
  });

  /** Each client's entry gets due (a reminder) and then changed by an admin (a change notice). */
  async function queueBothKinds(): Promise<void> {
    await vault.lk.settings.update(boss, { extendedAdminRoleIds: ['r-full'] });
    const ids: string[] = [];
    for (const language of LANGUAGES) {
      const entry = await vault.lk.entries.create(clientOf(language), {
        name: entryName, password: 'first', reminderDays: 30, notifyOnChange: true, loginUrl: 'https://portal.example.test/login',
      });
      ids.push(entry.id);
    }
    clock.advanceDays(30);
    expect(await vault.lk.reminders.enqueueDue()).to.equal(5);
    for (const id of ids) await vault.lk.entries.update(boss, id, { version: 1, password: 'second' });
  }

  function received(): Array<{ to: string; mail: ParsedMail }> {
    return sink.accepted.map((m) => ({ to: m.to[0]!, mail: parseMail(m.raw) }));
  }

  it('each client gets each kind in its own language, complete, with the entry name escaped in the HTML part', async () => {
    await queueBothKinds();
    expect(await vault.lk.dispatcher(mailer).drain()).to.deep.equal({ sent: 10, failed: 0, dropped: 0 });
    const mails = received();
    expect(mails).to.have.length(10);
    for (const language of LANGUAGES) {
      const strings = localeMail(language);
      const mine = mails.filter((m) => m.to === `client-${language}@clients.test`);
      expect(mine, language).to.have.length(2);
      for (const kind of KINDS) {
        const subject = fill(strings[kind].subject, { entryName });
        const found = mine.find((m) => m.mail.subject === subject);
        expect(found, `${language} ${kind}: subject "${subject}" among ${JSON.stringify(mine.map((m) => m.mail.subject))}`).to.not.equal(undefined);
        const { mail } = found!;
        expectNoLeftovers(`${language} ${kind} (sent)`, mail.subject, mail.text, mail.html);
        const values = { recipientName: `Client ${language.toUpperCase()}`, entryName, days: '30' };
        expect(mail.text).to.contain(fill(strings[kind].body, values));
        expect(mail.text).to.contain(strings.footer);
        expect(mail.html).to.contain(`<html lang="${language}">`);
        expect(mail.html).to.contain('Mail &amp; &lt;Web&gt; server');
        expect(mail.html).to.not.contain('<Web>');
        expect(mail.html).to.contain(strings.openLogin);
        // The new password is not in the mail unless the settings ask for it.
        expect(mail.text).to.not.contain('second');
        expect(mail.headers.get('to')).to.contain(`client-${language}@clients.test`);
        expect(mail.headers.get('from')).to.contain('noreply@northwind.test');
      }
    }
  });

  it('an admin template with {{#each}} and <script> arrives as text, escaped in the HTML part; other languages keep the default', async () => {
    await vault.lk.settings.update(boss, {
      mailTemplates: {
        reminder: {
          en: {
            subject: 'Rotate {{entryName}} <script>alert(1)</script>',
            body: 'Hi {{recipientName}},\n\n{{#each entries}}x{{/each}}\n<script>alert(1)</script>\nIt is {{days}} days old.',
          },
        },
      },
    });
    await queueBothKinds();
    expect(await vault.lk.dispatcher(mailer).drain()).to.deep.equal({ sent: 10, failed: 0, dropped: 0 });
    const mails = received();

    const english = mails.filter((m) => m.to === 'client-en@clients.test').map((m) => m.mail);
    const custom = english.find((m) => m.subject.startsWith('Rotate'));
    expect(custom, JSON.stringify(english.map((m) => m.subject))).to.not.equal(undefined);
    expect(custom!.subject).to.equal(`Rotate ${entryName} <script>alert(1)</script>`);
    expect(custom!.text).to.contain('Hi Client EN,\n\n{{#each entries}}x{{/each}}\n<script>alert(1)</script>\nIt is 30 days old.');
    expect(custom!.html).to.not.match(/<script/i);
    expect(custom!.html).to.contain('{{#each entries}}x{{/each}}');
    expect(custom!.html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(custom!.html).to.contain('<title>Rotate Mail &amp; &lt;Web&gt; server &lt;script&gt;alert(1)&lt;/script&gt;</title>');

    // The English change notice and every other language still use the defaults.
    expect(english.map((m) => m.subject)).to.include(fill(localeMail('en').password_changed.subject, { entryName }));
    for (const language of LANGUAGES.filter((l) => l !== 'en')) {
      const subjects = mails.filter((m) => m.to === `client-${language}@clients.test`).map((m) => m.mail.subject);
      expect(subjects).to.include(fill(localeMail(language).reminder.subject, { entryName }));
    }
  });
});
