import { expect } from 'chai';
import { safeHttpUrl } from '../../core/render/safe-url.ts';

/** Every link a page prints is http(s) with a host: asked again and again, the answer stays the same. */
describe('links a page prints', () => {
  it('keeps http(s) addresses with a host, normalised, and refuses every other scheme, every time it is asked', () => {
    for (let round = 0; round < 3; round++) {
      expect(safeHttpUrl(' https://Panel.Example/login?a=1 '), `round ${round}`).to.equal('https://panel.example/login?a=1');
      expect(safeHttpUrl('javascript:alert(1)'), `round ${round}`).to.equal(null);
      expect(safeHttpUrl('data:text/html,<b>x</b>'), `round ${round}`).to.equal(null);
      expect(safeHttpUrl('https://'), `round ${round}`).to.equal(null);
      expect(safeHttpUrl(42), `round ${round}`).to.equal(null);
    }
  });

  it('answers the same for an address after thousands of others have been checked', () => {
    expect(safeHttpUrl('javascript:void(0)')).to.equal(null);
    expect(safeHttpUrl('http://router.example/')).to.equal('http://router.example/');
    for (let i = 0; i < 10_000; i++) expect(safeHttpUrl(`https://h${i}.example/`)).to.equal(`https://h${i}.example/`);
    expect(safeHttpUrl('javascript:void(0)')).to.equal(null);
    expect(safeHttpUrl('http://router.example/')).to.equal('http://router.example/');
  });

  it('refuses an address one character longer than 2,048, and keeps one of exactly 2,048', () => {
    const base = 'https://long.example/';
    const exactly = base + 'a'.repeat(2048 - base.length);
    expect(safeHttpUrl(exactly)).to.equal(exactly);
    expect(safeHttpUrl(`${exactly}a`)).to.equal(null);
  });
});
