import { expect } from 'chai';
import { forEachDatabase } from '../support/databases.ts';
import { owner } from '../support/host-fixture.ts';
import { emptyTables } from '../support/table-rows.ts';
import { Harness } from './harness.ts';

/** The HTML of one row of a rendered list, up to the next row. */
function rowOf(html: string, rowId: string): string {
  const start = html.indexOf(`data-lk-row="${rowId}"`);
  expect(start, `row ${rowId} is shown`).to.be.above(-1);
  const next = html.indexOf('data-lk-row=', start + 10);
  return html.slice(start, next === -1 ? undefined : next);
}

/** The links of a row: [href, text] of each. */
function linksOf(row: string): string[][] {
  return [...row.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]*)</g)].filter((m) => !m[0].includes('lk-tag')).map((m) => [m[1]!, m[2]!]);
}

forEachDatabase('an entry shows its website beside its login link, and dates as the host writes them', (db) => {
  let h: Harness;
  const ids: Record<string, string> = {};

  before(async () => {
    h = await Harness.start(db, { dateFormat: { pattern: 'DD/MM/YYYY', timeZone: 'Europe/London' } });
    await emptyTables(h.vault);
    const make = async (name: string, urls: { websiteUrl?: string; loginUrl?: string }) => {
      ids[name] = (await h.vault.lk.entries.create(owner, { name, clientId: 'c-acme', password: 'pw-1', ...urls })).id;
    };
    await make('both', { websiteUrl: 'https://shop.acme.test/', loginUrl: 'https://shop.acme.test/admin/login' });
    await make('website only', { websiteUrl: 'https://blog.acme.test/' });
    await make('login only', { loginUrl: 'https://mail.acme.test/login' });
    await make('the same', { websiteUrl: 'https://cp.acme.test/', loginUrl: 'https://cp.acme.test/' });
  });
  after(async () => { await h?.close(); });

  const page = async (path: string) => {
    const response = await h.browser(owner).get(path);
    expect(response.status, response.text.slice(0, 300)).to.equal(200);
    return response.text;
  };

  for (const [place, path] of [['the client summary', '/host/page/clientSummary?clientId=c-acme&language=en'], ['all access details', '/host/page/adminPages?page=entries&language=en']]) {
    it(`${place}: the website is a link of its own, named by its host, only beside a different login link`, async () => {
      const html = await page(path);
      expect(linksOf(rowOf(html, ids.both!))).to.deep.equal([
        ['https://shop.acme.test/admin/login', 'Log in'], ['https://shop.acme.test/', 'shop.acme.test'],
      ]);
      expect(rowOf(html, ids.both!)).to.contain('aria-label="Website of both: shop.acme.test"');
      // With one address only (or the same twice), the login link goes there and nothing repeats it.
      expect(linksOf(rowOf(html, ids['website only']!))).to.deep.equal([['https://blog.acme.test/', 'Log in']]);
      expect(linksOf(rowOf(html, ids['login only']!))).to.deep.equal([['https://mail.acme.test/login', 'Log in']]);
      expect(linksOf(rowOf(html, ids['the same']!))).to.deep.equal([['https://cp.acme.test/', 'Log in']]);
    });
  }

  it("the host's date format reaches the pages and each panel's script", async () => {
    const audit = await page('/host/page/adminPages?page=audit&language=en');
    expect(audit).to.match(/<td[^>]*>\d{2}\/\d{2}\/\d{4} \d{1,2}:\d{2}\s[AP]M<\/td>/);
    expect(audit).not.to.match(/<td[^>]*>[A-Z][a-z]{2} \d{1,2}, \d{4}/);
    const panel = await page('/host/page/clientSummary?clientId=c-acme&language=en');
    expect(panel).to.contain('data-lk-dates="{&quot;pattern&quot;:&quot;DD/MM/YYYY&quot;,&quot;timeZone&quot;:&quot;Europe/London&quot;}"');
  });
});
