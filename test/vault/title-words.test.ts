import { expect } from 'chai';
import { PREFIXES_PER_ENTRY, searchedWordPrefix, titleLine, titleWordPrefixes } from '../../core/domain/title-words.ts';

/** Twenty letters, all one letter: a word whose 18 prefixes no other such word shares. */
const word20 = (letter: string) => letter.repeat(20);

/** What of an entry's notes the search index reads, and which searches look there. */
describe('the words of the notes\' title line', () => {
  it('the title line is the first line (whatever the line break), trimmed, cut at 200 characters', () => {
    expect(titleLine('  Production cluster \nsecond')).to.equal('Production cluster');
    expect(titleLine('first\r\nsecond')).to.equal('first');
    expect(titleLine('first\rsecond')).to.equal('first');
    expect(titleLine('x'.repeat(200))).to.have.length(200);
    expect(titleLine('x'.repeat(201))).to.have.length(200);
  });

  it('a word gives its prefixes of 3 to 20 characters: none for 2 letters, one for 3, 18 for 20 and for 25', () => {
    expect(titleWordPrefixes('db')).to.deep.equal([]);
    expect(titleWordPrefixes('Web')).to.deep.equal(['web']);
    expect(titleWordPrefixes(word20('a'))).to.have.length(18);
    expect(titleWordPrefixes('a'.repeat(25))).to.deep.equal(titleWordPrefixes(word20('a')));
    expect(titleWordPrefixes('Prod-DB prod')).to.deep.equal(['pro', 'prod']);
  });

  it(`an entry keeps at most ${PREFIXES_PER_ENTRY} prefixes, the first words of the line theirs`, () => {
    // Seven words of 20 letters (126 prefixes) and a word of 4 (2 more) make 128; a word of 5 would make 129.
    const seven = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(word20).join(' ');
    expect(titleWordPrefixes(`${seven} hhhh`)).to.have.length(128);
    const cut = titleWordPrefixes(`${seven} hhhhh`);
    expect(cut).to.have.length(128);
    expect(cut.slice(-2)).to.deep.equal(['hhh', 'hhhh']);
  });

  it('a search looks in notes when it is one word of 3 to 20 characters, trimmed and folded', () => {
    expect(searchedWordPrefix('  PROD ')).to.equal('prod');
    expect(searchedWordPrefix('pr')).to.equal(null);
    expect(searchedWordPrefix('pro')).to.equal('pro');
    expect(searchedWordPrefix('x'.repeat(20))).to.equal('x'.repeat(20));
    expect(searchedWordPrefix('x'.repeat(21))).to.equal(null);
    expect(searchedWordPrefix('prod cluster')).to.equal(null);
    expect(searchedWordPrefix('prod-db')).to.equal(null);
    expect(searchedWordPrefix('ＰＲＯＤ')).to.equal('prod');
  });
});
