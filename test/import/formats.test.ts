import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { readImportFile, type ImportFormat } from '../../core/import/import-formats.ts';
import { ImportFormatError } from '../../core/import/import-format-error.ts';
import { fingerprintOf, type SourceRow } from '../../core/import/source-row.ts';
import { neutralized, spreadsheetCsv } from '../../core/import/csv-cells.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const read = (format: ImportFormat, name: string) => readImportFile(format, fixture(name));
const brief = (r: SourceRow) => ({ line: r.line, name: r.name, username: r.username, password: r.password, urls: r.urls, totp: r.totp, folder: r.folder, owner: r.owner, skip: r.skip });

describe('import formats, read as each tool documents its export', () => {
  it('Bitwarden CSV: BOM, quoted line breaks and quotes (rows numbered by the line they start on), several URIs, custom fields, TOTP URI; cards are skipped', () => {
    const rows = read('bitwarden-csv', 'bitwarden.csv');
    expect(rows.map(brief)).to.deep.equal([
      { line: 2, name: 'vps1 root', username: 'root', password: '=cmd|calc!A1', urls: ['https://vps1.example.com', 'https://panel.example.com/login', 'https://third.example.com'], totp: 'otpauth://totp/vps1?secret=JBSWY3DPEHPK3PXP&issuer=x', folder: 'Servers', owner: '', skip: null },
      { line: 5, name: 'Wifi', username: '', password: '', urls: [], totp: '', folder: '', owner: '', skip: null },
      { line: 6, name: 'Visa', username: '', password: '', urls: [], totp: '', folder: '', owner: '', skip: 'notALogin' },
    ]);
    expect(rows[0]!.notes).to.equal('first line\nsecond, with "quotes"');
    expect(rows[0]!.fields).to.deep.equal([{ name: 'port', value: '2222' }, { name: 'region', value: 'eu' }]);
  });

  it('Bitwarden JSON: folders by id, several URIs, hidden fields; identities are skipped; encrypted exports are refused', () => {
    const rows = read('bitwarden-json', 'bitwarden.json');
    expect(rows.map(brief)).to.deep.equal([
      { line: 1, name: 'Mail admin', username: 'postmaster', password: 'p@ss w0rd', urls: ['https://mail.example.com', 'https://mail.example.com/admin'], totp: 'JBSWY3DPEHPK3PXP', folder: 'Mail', owner: '', skip: null },
      { line: 2, name: 'Me', username: '', password: '', urls: [], totp: '', folder: '', owner: '', skip: 'notALogin' },
    ]);
    expect(rows[0]!.fields).to.deep.equal([{ name: 'PIN', value: '1234' }]);
    expect(() => readImportFile('bitwarden-json', '{"encrypted":true,"items":[]}')).to.throw(ImportFormatError, /encrypted/);
    expect(() => readImportFile('bitwarden-json', '{"items":')).to.throw(ImportFormatError, /not JSON/);
  });

  it('KeePass XML: nested groups as a path below the root, entities decoded, otp string, the recycle bin left out', () => {
    const rows = read('keepass-xml', 'keepass.xml');
    expect(rows.map(brief)).to.deep.equal([
      { line: 1, name: 'Router', username: 'admin', password: 'r<&>t', urls: ['http://192.168.1.1'], totp: '', folder: '', owner: '', skip: null },
      { line: 2, name: 'db1', username: 'postgres', password: 's3cret', urls: [], totp: 'otpauth://totp/db1?secret=GEZDGNBVGY3TQOJQ&period=30', folder: 'Servers/Linux', owner: '', skip: null },
    ]);
    expect(rows[1]!.fields).to.deep.equal([{ name: 'Rack', value: 'B4' }]);
  });

  it('KeePass XML that is not well-formed is refused with its line, and nothing is read', () => {
    expect(() => readImportFile('keepass-xml', '<KeePassFile>\n<Root><Group></Root>')).to.throw(ImportFormatError, /invalid XML at line 2/);
    expect(() => readImportFile('keepass-xml', '<Other/>')).to.throw(ImportFormatError, /KeePassFile/);
  });

  it('KeePassXC and Passbolt CSV: group path without KeePassXC\'s root, TOTP column', () => {
    expect(read('keepassxc-csv', 'keepassxc.csv').map(brief)[0]).to.deep.equal(
      { line: 2, name: 'Acme FTP', username: 'ftpuser', password: 'ftp-pass', urls: ['ftp.acme.test'], totp: 'otpauth://totp/Acme?secret=JBSWY3DPEHPK3PXP', folder: 'Customers/Acme', owner: '', skip: null });
    expect(read('passbolt-csv', 'passbolt.csv').map(brief)).to.deep.equal([
      { line: 2, name: 'Backup NAS', username: 'backup', password: 'nas-pass', urls: ['https://nas.example.com'], totp: '', folder: 'Shared', owner: '', skip: null },
    ]);
  });

  it('1Password, LastPass, Chrome and Firefox CSV map their own columns; archived items and LastPass notes\' fake URL are left out', () => {
    expect(read('1password-csv', '1password.csv').map((r) => [r.name, r.password, r.folder, r.skip])).to.deep.equal([
      ['Billing', 'pa,ss', 'Finance', null], ['Old', 'x', '', 'archived'],
    ]);
    expect(read('lastpass-csv', 'lastpass.csv').map((r) => [r.name, r.urls, r.folder])).to.deep.equal([
      ['DNS', ['https://dns.example.com'], 'Infra/Network'], ['Server note', [], ''],
    ]);
    expect(read('chrome-csv', 'chrome.csv').map((r) => [r.name, r.username, r.password])).to.deep.equal([['shop.example.com', 'buyer', 'shop-pass']]);
    expect(read('firefox-csv', 'firefox.csv').map((r) => [r.name, r.urls])).to.deep.equal([['forum.example.com', ['https://forum.example.com']]]);
  });

  it('IT Glue CSV names each password\'s organization, and its category becomes the folder', () => {
    expect(read('itglue-csv', 'itglue.csv').map((r) => [r.name, r.owner, r.folder, r.totp, r.skip])).to.deep.equal([
      ['Acme firewall', 'Acme Ltd', 'Network', 'JBSWY3DPEHPK3PXP', null],
      ['Globex mail', 'Globex', 'Mail', '', null],
      ['Initech VPN', 'Initech', 'Network', '', null],
      ['Old box', 'Acme Ltd', 'Network', '', 'archived'],
    ]);
  });

  it('a generic CSV is read through the chosen columns, whatever else the file holds; a missing column is named', () => {
    const text = 'Site,Login,Secret,Extra\nhttps://a.example.com,me,pw,ignored\n';
    const [row] = readImportFile('csv', text, { name: 'site', username: 'login', password: 'secret', url: 'site' });
    expect([row!.name, row!.username, row!.password, row!.urls]).to.deep.equal(['https://a.example.com', 'me', 'pw', ['https://a.example.com']]);
    expect(() => readImportFile('csv', text, { name: 'title' })).to.throw(ImportFormatError, /lacks title/);
    expect(() => readImportFile('csv', text)).to.throw(ImportFormatError, /column mapping/);
  });

  it('a file of another tool is refused naming the columns it lacks', () => {
    expect(() => read('lastpass-csv', 'chrome.csv')).to.throw(ImportFormatError, /not a LastPass CSV file: the header lacks grouping/);
    expect(() => readImportFile('chrome-csv', '')).to.throw(ImportFormatError, /empty/);
    expect(() => readImportFile('latchkey-json', fixture('bitwarden.json'))).to.throw(ImportFormatError, /not a Latchkey export .*: format is not as expected/);
    expect(() => readImportFile('chrome-csv', 'name,url,username,password\n"unterminated,x,y,z\n')).to.throw(ImportFormatError, /cannot be read/);
  });

  it('the same record gives the same fingerprint wherever it sits in the file; any change gives another', () => {
    const [a] = readImportFile('chrome-csv', 'name,url,username,password\nA,https://a.test,u,p\n');
    const [, b] = readImportFile('chrome-csv', 'name,url,username,password\nB,https://b.test,u,p\nA,https://a.test,u,p\n');
    const [c] = readImportFile('chrome-csv', 'name,url,username,password\nA,https://a.test,u,p2\n');
    expect(fingerprintOf(a!)).to.equal(fingerprintOf(b!));
    expect(fingerprintOf(a!)).to.not.equal(fingerprintOf(c!));
  });
});

describe('import formats: tags where the tool has them', () => {
  it('1Password CSV\'s Tags, KeePass XML\'s <Tags> and KeePassXC\'s Tags column become tags, split at commas and semicolons', () => {
    const onePassword = readImportFile('1password-csv', 'Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\nBilling,,ops,x,,false,false,"Finance,Billing",\n');
    expect(onePassword.map((r) => r.tags)).to.deep.equal([['Finance', 'Billing']]);
    const xml = '<KeePassFile><Root><Group><Name>db</Name><Entry><String><Key>Title</Key><Value>Router</Value></String><Tags>network;edge</Tags></Entry></Group></Root></KeePassFile>';
    expect(readImportFile('keepass-xml', xml).map((r) => r.tags)).to.deep.equal([['network', 'edge']]);
    const keepassxc = readImportFile('keepassxc-csv', '"Group","Title","Username","Password","URL","Notes","TOTP","Tags"\n"Root","FTP","u","p","","","","ftp,customers"\n');
    expect(keepassxc.map((r) => r.tags)).to.deep.equal([['ftp', 'customers']]);
  });

  it('a record without tags has none, and keeps the fingerprint it had before tags existed', () => {
    const [row] = read('keepassxc-csv', 'keepassxc.csv');
    expect(row!.tags).to.equal(undefined);
    expect(Object.keys(row!)).to.not.include('tags');
  });
});

describe('CSV for spreadsheets', () => {
  it('cells a spreadsheet would run as a formula start with an apostrophe; others are left alone', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(neutralized(`${lead}1+1`)).to.equal(`'${lead}1+1`);
    expect(neutralized('a=1')).to.equal('a=1');
    expect(neutralized('')).to.equal('');
  });

  it('has a byte-order mark, a header, CRLF line ends, and quotes cells holding commas, quotes or line breaks', () => {
    const csv = spreadsheetCsv(['name', 'notes'], [['a,b', 'say "hi"\nbye'], ['=SUM(A1)', 'x']]);
    expect(csv).to.equal('\uFEFFname,notes\r\n"a,b","say ""hi""\nbye"\r\n\'=SUM(A1),x\r\n');
  });
});
