import { expect } from 'chai';
import Handlebars from 'handlebars';
import { LANGUAGES, Renderer } from '../../core/index.ts';

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

    it(`a count still picks the plural form in ${language}`, () => {
      const t = renderer.translator(language);
      for (const count of [1, 2]) {
        expect(render('{{t "clientArea.entryCount" count=count}}', { count }, language)).to.equal(Handlebars.escapeExpression(t('clientArea.entryCount', { count })));
      }
    });
  }
});
