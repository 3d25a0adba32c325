import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Handlebars from 'handlebars';
import { LANGUAGES, Renderer } from '../../core/index.ts';
import { sameInputs } from '../../core/render/same-inputs.ts';

/**
 * The renderer keeps translated labels ready between renders: what it prints
 * must be what i18next itself says, in every language, escaped as any value.
 */
describe('translated strings a render reuses', () => {
  const renderer = new Renderer();
  const render = (source: string, model: object, language: (typeof LANGUAGES)[number]) => renderer.renderSource(source, model, { language });

  for (const language of LANGUAGES) {
    it(`a label with a name is i18next's own text in ${language}, the same on every render, with the name escaped`, () => {
      const t = renderer.translator(language);
      const source = '{{t "action.revealPasswordOf" name=name}}|{{t "action.reveal"}}';
      const escaped = (text: string) => Handlebars.escapeExpression(text);
      const expected = `${escaped(t('action.revealPasswordOf', { name: 'A<b>' }))}|${escaped(t('action.reveal'))}`;
      expect(render(source, { name: 'A<b>' }, language)).to.equal(expected);
      expect(render(source, { name: 'A<b>' }, language)).to.equal(expected);
      expect(render(source, { name: 'Other' }, language)).to.equal(`${escaped(t('action.revealPasswordOf', { name: 'Other' }))}|${escaped(t('action.reveal'))}`);
    });

    it(`a number in a label is written as i18next writes it in ${language}`, () => {
      const t = renderer.translator(language);
      for (const total of [7, 1234, 1234567]) {
        const source = '{{t "list.range" from=from to=to total=total}}';
        expect(render(source, { from: 1, to: 50, total }, language)).to.equal(Handlebars.escapeExpression(t('list.range', { from: 1, to: 50, total })));
      }
      expect(render('{{t "list.rangeMore" from=1 to=50 total="1000"}}', {}, language)).to.equal(Handlebars.escapeExpression(t('list.rangeMore', { from: 1, to: 50, total: '1000' })));
    });

    it(`a count still picks the plural form in ${language}`, () => {
      const t = renderer.translator(language);
      for (const count of [1, 2]) {
        expect(render('{{t "clientArea.entryCount" count=count}}', { count }, language)).to.equal(Handlebars.escapeExpression(t('clientArea.entryCount', { count })));
      }
    });
  }
});

/**
 * `{{reuse}}` renders a partial once per language and inputs and hands the
 * same HTML to later renders (the panels' dialogs): what it prints must follow
 * every input and the language, and nothing outside its inputs may reach it.
 */
describe('fragments a render reuses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lk-reuse-'));
  mkdirSync(join(dir, 'partials'));
  writeFileSync(join(dir, 'partials', 'peek.hbs'), '[{{secret}}|{{shown}}|{{t "action.reveal"}}]');
  const own = new Renderer({ templatesDir: dir });
  const renderer = new Renderer();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a reused fragment sees only the inputs it is given, not the page around it', () => {
    const html = own.renderSource('{{reuse "peek" shown=shown}}', { secret: 'csrf-of-someone', shown: 'a<b>' }, { language: 'en' });
    expect(html).to.equal(`[|a&lt;b&gt;|${own.translator('en')('action.reveal')}]`);
  });

  it('the dialogs follow the categories they are given, render after render', () => {
    const source = '{{reuse "panel-dialogs" place="ticket" actorKind="admin" categories=categories generator=generator}}';
    const generator = { mode: 'characters', length: 20, lower: true, upper: true, digits: true, symbols: true, avoidAmbiguous: false, words: 4 };
    const first = renderer.renderSource(source, { categories: [{ id: 'cat-1', name: 'Alpha' }], generator }, { language: 'en' });
    const again = renderer.renderSource(source, { categories: [{ id: 'cat-1', name: 'Alpha' }], generator }, { language: 'en' });
    const other = renderer.renderSource(source, { categories: [{ id: 'cat-2', name: 'Beta <i>' }], generator }, { language: 'en' });
    expect(again).to.equal(first);
    expect(first).to.contain('Alpha').and.not.contain('Beta');
    expect(other).to.contain('Beta &lt;i&gt;').and.not.contain('Alpha');
  });

  it('the dialogs are in the language of the render that asks for them', () => {
    const source = '{{reuse "panel-dialogs" place="ticket" actorKind="admin"}}';
    const en = renderer.renderSource(source, {}, { language: 'en' });
    const fr = renderer.renderSource(source, {}, { language: 'fr' });
    expect(en).to.contain(renderer.translator('en')('action.cancel'));
    expect(fr).to.contain(renderer.translator('fr')('action.cancel'));
    expect(fr).to.not.equal(en);
  });
});

/**
 * A list renders each row through `{{reuse}}`: a row kept from an earlier render must be exactly the one its
 * entry, the reader's rights and the language give now.
 */
describe('list rows a render reuses', () => {
  const renderer = new Renderer();
  const list = '{{> entry-list rows=rows emptyKey="panel.empty"}}';
  const row = (changes: object = {}) => ({
    id: 'e-1', name: 'Core router', username: 'admin', hasPassword: true, ownerName: 'Acme', clientName: 'Acme Ltd',
    canEdit: true, canShare: false, canDelete: false, canWatch: false, editable: '{"id":"e-1"}', version: 3, tags: [], ...changes,
  });
  const render = (model: object, language: (typeof LANGUAGES)[number] = 'en') => renderer.renderSource(list, model, { language });

  it('a row follows its entry: the same entry renders the same, a renamed one its new name', () => {
    const first = render({ rows: [row()] });
    expect(render({ rows: [row()] })).to.equal(first);
    const renamed = render({ rows: [row({ name: 'Edge <router>' })] });
    expect(renamed).to.contain('Edge &lt;router&gt;').and.not.contain('Core router');
  });

  it("a row follows the reader's rights: the edit button is there only while they may edit", () => {
    expect(render({ rows: [row({ canEdit: true })] })).to.contain('data-lk-edit=');
    expect(render({ rows: [row({ canEdit: false })] })).to.not.contain('data-lk-edit=');
    expect(render({ rows: [row({ canEdit: true })] })).to.contain('data-lk-edit=');
  });

  it("a row follows the list's choice to name the client, and the language of the render", () => {
    expect(render({ rows: [row()], showClient: true })).to.contain('Acme Ltd');
    expect(render({ rows: [row()], showClient: false })).to.not.contain('Acme Ltd');
    const en = render({ rows: [row()] }, 'en');
    const de = render({ rows: [row()] }, 'de');
    expect(en).to.contain(renderer.translator('en')('action.copy'));
    expect(de).to.contain(renderer.translator('de')('action.copy')).and.not.equal(en);
  });

  it('a row model changed in place after its render renders as it is now, not as it was kept', () => {
    const model = row({ id: 'e-changed-in-place', name: 'Core router' });
    expect(render({ rows: [model] })).to.contain('Core router');
    model.name = 'Moved router';
    const again = render({ rows: [model] });
    expect(again).to.contain('Moved router').and.not.contain('Core router');
  });

  it("a row follows its nested inputs: a website's address, a tag", () => {
    const site = (url: string, host: string) => row({ website: { url, host }, loginUrl: 'https://login.example/' });
    expect(render({ rows: [site('https://a.example/', 'a.example')] })).to.contain('a.example');
    const moved = render({ rows: [site('https://b.example/', 'b.example')] });
    expect(moved).to.contain('b.example').and.not.contain('a.example');
    expect(render({ rows: [row({ tags: ['dns'] })] })).to.contain('dns');
    expect(render({ rows: [row({ tags: ['mail'] })] })).to.contain('mail').and.not.contain('>dns<');
  });

  it('an entry seen alike by more readers than one slot keeps renders right for each of them, again and again', () => {
    const readers = Array.from({ length: 12 }, (_, i) => row({ ownerName: `Owner ${i}`, canEdit: i % 2 === 0 }));
    for (let round = 0; round < 2; round++) {
      for (const [i, model] of readers.entries()) {
        const html = render({ rows: [model] });
        expect(html, `reader ${i}, round ${round}`).to.contain(`Owner ${i}<`);
        expect(html.includes('data-lk-edit='), `reader ${i}, round ${round}`).to.equal(i % 2 === 0);
      }
    }
  });
});

describe("a list's controls a render reuses", () => {
  const renderer = new Renderer();
  const source = '{{reuse "list-controls" key="list" controls=controls}}';
  const controls = (search: string, sort: string) => ({
    action: '/ticket', idPrefix: 'lk-list', names: { search: 'lkSearch', sort: 'lkSort' }, search, hidden: [{ name: 'ticket', value: 't-1' }],
    sorts: ['name', '-name'].map((value) => ({ value, labelKey: 'list.any', selected: value === sort })),
  });

  it('follow the search and the sort of each render, and the language', () => {
    const first = renderer.renderSource(source, { controls: controls('alpha <b>', 'name') }, { language: 'en' });
    const second = renderer.renderSource(source, { controls: controls('beta', '-name') }, { language: 'en' });
    expect(first).to.contain('value="alpha &lt;b&gt;"').and.not.contain('beta');
    expect(first).to.match(/<option value="name" selected>/);
    expect(second).to.contain('value="beta"').and.not.contain('alpha');
    expect(second).to.match(/<option value="-name" selected>/);
    expect(renderer.renderSource(source, { controls: controls('alpha <b>', 'name') }, { language: 'en' })).to.equal(first);
    const fr = renderer.renderSource(source, { controls: controls('alpha <b>', 'name') }, { language: 'fr' });
    expect(fr).to.contain(Handlebars.escapeExpression(renderer.translator('fr')('list.search'))).and.not.equal(first);
  });
});

describe('inputs a reused fragment is told apart by', () => {
  it('the same data is the same inputs: primitives, dates of one instant, arrays and plain objects, all the way down', () => {
    const at = (ms: number) => new Date(ms);
    expect(sameInputs({ a: 1, b: ['x', { c: at(5) }], d: null }, { d: null, b: ['x', { c: at(5) }], a: 1 })).to.equal(true);
  });

  it('any difference, however deep, is other inputs', () => {
    expect(sameInputs({ b: ['x', { c: new Date(5) }] }, { b: ['x', { c: new Date(6) }] })).to.equal(false);
    expect(sameInputs({ b: ['x', 'y'] }, { b: ['y', 'x'] })).to.equal(false);
    expect(sameInputs({ a: 1 }, { a: '1' })).to.equal(false);
    expect(sameInputs({ a: undefined }, {})).to.equal(false);
    expect(sameInputs({ a: [1] }, { a: { 0: 1 } })).to.equal(false);
    expect(sameInputs({ at: new Date(5) }, { at: new Date(5).toISOString() })).to.equal(false);
  });

  it('a class instance is the same only as itself: a kept fragment never stands for inputs it was not made from', () => {
    const shown = new Handlebars.SafeString('<b>x</b>');
    expect(sameInputs({ shown }, { shown })).to.equal(true);
    expect(sameInputs({ shown }, { shown: new Handlebars.SafeString('<b>x</b>') })).to.equal(false);
    expect(sameInputs({ shown }, { shown: { string: '<b>x</b>' } })).to.equal(false);
  });
});
