import { expect } from 'chai';
import { checkDateFormat, dateWriter, LANGUAGES, Renderer } from '../../core/index.ts';

/** Intl's spaces (a narrow no-break space before "PM", say) as plain ones, so the rules read simply. */
const plain = (text: string) => text.replace(/\s/g, ' ');
const EVENING = new Date('2026-12-06T17:31:00Z');
const LATE = new Date('2026-12-06T23:30:00Z');

describe('dates and numbers follow the user\'s language, dates the host\'s date format', () => {
  it('without a host format, each language writes a date its own way, in UTC', () => {
    const renderer = new Renderer();
    const written = Object.fromEntries(LANGUAGES.map((language) =>
      [language, plain(renderer.renderSource('{{date at}}', { at: EVENING }, { language }))]));
    expect(written).to.deep.equal({
      en: 'Dec 6, 2026, 5:31 PM',
      fr: '6 déc. 2026, 17:31',
      de: '06.12.2026, 17:31',
      es: '6 dic 2026, 17:31',
      it: '6 dic 2026, 17:31',
    });
  });

  it("with the host's pattern the date is the host's and the time the user's language", () => {
    const renderer = new Renderer({ dateFormat: { pattern: 'DD/MM/YYYY' } });
    expect(plain(renderer.renderSource('{{date at}}', { at: EVENING }, { language: 'en' }))).to.equal('06/12/2026 5:31 PM');
    expect(plain(renderer.renderSource('{{date at}}', { at: EVENING }, { language: 'fr' }))).to.equal('06/12/2026 17:31');
    expect(plain(dateWriter('de', { pattern: 'YYYY-MM-DD' })(EVENING))).to.equal('2026-12-06 17:31');
    expect(dateWriter('en', { pattern: 'MM.DD.YYYY' }, false)(EVENING)).to.equal('12.06.2026');
  });

  it("the host's time zone moves the day as well as the hour", () => {
    expect(plain(dateWriter('de', { pattern: 'DD.MM.YYYY', timeZone: 'Asia/Tokyo' })(LATE))).to.equal('07.12.2026 08:30');
    expect(plain(dateWriter('de', { timeZone: 'America/New_York' })(LATE))).to.equal('06.12.2026, 18:30');
    expect(plain(dateWriter('de')(LATE))).to.equal('06.12.2026, 23:30');
  });

  it('counts are written in the user\'s language', () => {
    const renderer = new Renderer();
    const written = Object.fromEntries(LANGUAGES.map((language) =>
      [language, plain(renderer.renderSource('{{number n}}|{{number small}}|{{number none}}', { n: 1234567, small: '7' }, { language }))]));
    expect(written).to.deep.equal({ en: '1,234,567|7|', fr: '1 234 567|7|', de: '1.234.567|7|', es: '1.234.567|7|', it: '1.234.567|7|' });
  });

  it('a pattern needs DD, MM and YYYY once each and one separator; a time zone must exist', () => {
    for (const pattern of ['DD/MM/YYYY', 'YYYY.MM.DD', 'MM-DD-YYYY', 'DD MM YYYY']) {
      expect(checkDateFormat({ pattern })).to.deep.equal({ pattern });
    }
    for (const pattern of ['', 'DD/MM/YY', 'DD/DD/YYYY', 'DD/MM-YYYY', 'D/M/Y', 'dd/mm/yyyy', 'DD/MM/YYYY HH:mm']) {
      expect(() => checkDateFormat({ pattern }), pattern).to.throw(/dateFormat\.pattern/);
    }
    expect(checkDateFormat({ timeZone: 'Europe/London' })).to.deep.equal({ timeZone: 'Europe/London' });
    expect(() => checkDateFormat({ timeZone: 'Mars/Olympus' })).to.throw(/dateFormat\.timeZone/);
    expect(() => new Renderer({ dateFormat: { pattern: 'YY' } })).to.throw(/dateFormat\.pattern/);
  });
});
