import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DEFAULT_SETTINGS, LANGUAGES, Renderer, type Language } from '../../core/index.ts';
import { composeMail } from '../../core/mail/mail-composer.ts';

function serviceEndedStrings(language: Language): { subject: string; body: string } {
  const url = new URL(`../../locales/${language}/latchkey.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { mail: { service_ended: { subject: string; body: string } } }).mail.service_ended;
}

describe('the notice that a service ended, in each language', () => {
  const renderer = new Renderer();
  const facts = (language: Language) => ({
    kind: 'service_ended' as const, language, recipientName: 'Olivia Owner', entryName: '', clientName: 'Acme <Ltd>', loginUrl: null,
    serviceName: 'VPS Small — vps1.acme.test', entryNames: ['vps1 IPMI console', 'deploy\nuser  {{newPassword}}'],
  });

  it('names the service, the client, the recipient and each entry kept for it, one a line, with nothing left unfilled', () => {
    const texts = new Set<string>();
    for (const language of LANGUAGES) {
      const mail = composeMail(renderer, DEFAULT_SETTINGS, facts(language));
      expect(mail.language).to.equal(language);
      expect(mail.subject, language).to.contain('VPS Small — vps1.acme.test').and.not.contain('{{');
      expect(mail.text, language).to.contain('Olivia Owner').and.contain('Acme <Ltd>').and.contain('VPS Small — vps1.acme.test');
      // Each name on its own line, its own line breaks flattened, placeholders in it left as typed.
      expect(mail.text, language).to.contain('\n• vps1 IPMI console\n• deploy user {{newPassword}}\n');
      expect(mail.text.replace('{{newPassword}}', ''), language).not.to.contain('{{');
      expect(mail.html, language).to.contain('Acme &lt;Ltd&gt;').and.not.contain('Acme <Ltd>');
      expect(mail.text, language).to.contain(serviceEndedStrings(language).body.split('{{')[0]!.trim());
      texts.add(mail.subject);
    }
    expect(texts.size, 'five translations').to.equal(LANGUAGES.length);
  });

  it("keeps Latchkey's own text: the settings hold admins' texts for reminders and change notices only", () => {
    // Settings written by hand (or by a later version) with a text for this kind are not read.
    const custom = { en: { subject: 'Custom', body: 'Custom body' } };
    const settings = { ...DEFAULT_SETTINGS, mailTemplates: { reminder: custom, service_ended: custom } as typeof DEFAULT_SETTINGS.mailTemplates };
    const mail = composeMail(renderer, settings, facts('en'));
    expect(mail.subject).to.equal('VPS Small — vps1.acme.test has ended: rotate what we kept for it');
  });
});
