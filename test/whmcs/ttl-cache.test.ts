import { expect } from 'chai';
import { TtlCache } from '../../adapters/whmcs/ttl-cache.ts';

describe('WHMCS look-up cache', () => {
  it('remembers a value until exactly its time to live, and forgets it 1 ms later', () => {
    let now = 1_000_000;
    const cache = new TtlCache<string>(30_000, () => now);
    cache.set('client:1', 'Acme');
    now += 29_999;
    expect(cache.get('client:1')).to.equal('Acme');
    now += 1;
    expect(cache.get('client:1')).to.equal('Acme');
    now += 1;
    expect(cache.get('client:1')).to.equal(undefined);
    expect(cache.has('client:1')).to.equal(false);
  });

  it('remembers null (an id WHMCS does not know) as a value, not as a miss', async () => {
    const cache = new TtlCache<string | null>(30_000);
    let loads = 0;
    const loader = async () => { loads += 1; return null; };
    expect(await cache.load('client:404', loader)).to.equal(null);
    expect(await cache.load('client:404', loader)).to.equal(null);
    expect(loads).to.equal(1);
    expect(cache.has('client:404')).to.equal(true);
  });

  it('holds at most maxEntries: one more pushes out the least recently used', () => {
    const cache = new TtlCache<number>(30_000, Date.now, 3);
    for (const key of ['a', 'b', 'c']) cache.set(key, key.charCodeAt(0));
    expect(cache.get('a')).to.equal(97);
    cache.set('d', 100);
    expect(['a', 'b', 'c', 'd'].filter((key) => cache.has(key))).to.deep.equal(['a', 'c', 'd']);
  });

  it('with a time to live of 0 remembers nothing, and every load asks again', async () => {
    const cache = new TtlCache<string>(0);
    cache.set('client:1', 'Acme');
    expect(cache.get('client:1')).to.equal(undefined);
    let loads = 0;
    await cache.load('client:1', async () => { loads += 1; return 'Acme'; });
    await cache.load('client:1', async () => { loads += 1; return 'Acme'; });
    expect(loads).to.equal(2);
  });

  it('concurrent loads of one key share the first load; a failed load is not remembered', async () => {
    const cache = new TtlCache<string>(30_000);
    let loads = 0;
    const slow = () => new Promise<string>((resolve) => { loads += 1; setTimeout(() => resolve('Acme'), 10); });
    expect(await Promise.all([cache.load('k', slow), cache.load('k', slow)])).to.deep.equal(['Acme', 'Acme']);
    expect(loads).to.equal(1);
    const failing = () => Promise.reject(new Error('WHMCS down'));
    await cache.load('other', failing).then(() => expect.fail('should reject'), (err: Error) => expect(err.message).to.equal('WHMCS down'));
    expect(cache.has('other')).to.equal(false);
  });
});
