import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { basePathProblem, frameAncestorProblem, readServerConfig } from '../../adapters/cli/server-config.ts';

const GOOD: NodeJS.ProcessEnv = {
  WHMCS_URL: 'https://billing.example.com',
  WHMCS_API_IDENTIFIER: 'identifier',
  WHMCS_API_SECRET: 'api-secret-value',
  LATCHKEY_EMBED_SECRET: 'e'.repeat(32),
  LATCHKEY_SESSION_SECRET: 's'.repeat(32),
  LATCHKEY_KEYS: `k1:${randomBytes(32).toString('base64')}`,
};

function failure(env: NodeJS.ProcessEnv): string {
  try {
    readServerConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('the configuration of latchkey serve', () => {
  it('reads a WHMCS install with its defaults: base path, frame ancestor from WHMCS_URL, port, no proxy trusted', () => {
    const config = readServerConfig(GOOD);
    expect(config).to.include({ host: 'whmcs', basePath: '/latchkey', trustProxy: undefined, mailEveryMinutes: 0, shutdownTimeoutMs: 25_000 });
    expect(config.frameAncestors).to.deep.equal(['https://billing.example.com']);
    expect(config.listen).to.deep.equal({ port: 3100, host: '127.0.0.1' });
    expect(config.whmcs!.embed).to.deep.equal({ secret: 'e'.repeat(32), issuer: 'whmcs', audience: 'latchkey' });
  });

  it('reads LATCHKEY_TRUST_PROXY as Express takes it: a boolean, a hop count, or addresses', () => {
    expect(readServerConfig({ ...GOOD, LATCHKEY_TRUST_PROXY: 'true' }).trustProxy).to.equal(true);
    expect(readServerConfig({ ...GOOD, LATCHKEY_TRUST_PROXY: '1' }).trustProxy).to.equal(1);
    expect(readServerConfig({ ...GOOD, LATCHKEY_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).to.equal('loopback, 10.0.0.0/8');
  });

  it('names the variable that is missing or out of range, never its value', () => {
    expect(failure({ ...GOOD, WHMCS_URL: '' })).to.equal('WHMCS_URL is required');
    expect(failure({ ...GOOD, LATCHKEY_HOST: 'plesk' })).to.equal('LATCHKEY_HOST must be one of whmcs, zendesk');
    expect(failure({ ...GOOD, LATCHKEY_EMBED_SECRET: 'e'.repeat(31) })).to.equal('LATCHKEY_EMBED_SECRET must be at least 32 characters');
    expect(readServerConfig({ ...GOOD, PORT: '65535' }).listen.port).to.equal(65535);
    expect(failure({ ...GOOD, PORT: '65536' })).to.equal('PORT must be a whole number from 0 to 65535');
    expect(failure({ ...GOOD, LATCHKEY_SESSION_SECRET: 'e'.repeat(32) })).to.match(/^LATCHKEY_SESSION_SECRET must differ from LATCHKEY_EMBED_SECRET/);
    expect(failure({ ...GOOD, LATCHKEY_SMTP_URL: 'smtp://mail.example.com' })).to.equal('set both LATCHKEY_SMTP_URL and LATCHKEY_MAIL_FROM, or neither');
    expect(failure({ ...GOOD, LATCHKEY_HOST: 'zendesk' })).to.equal('ZENDESK_SUBDOMAIN is required');
    expect(failure({ ...GOOD, LATCHKEY_KEYS: '' })).to.match(/^no encryption key configured/);
  });

  it('takes WHMCS_URL as an http(s) address and WHMCS_ADMIN_PATH as one folder name, for the links in reminders', () => {
    expect(readServerConfig(GOOD).whmcs).to.include({ url: 'https://billing.example.com', adminPath: 'admin' });
    expect(readServerConfig({ ...GOOD, WHMCS_ADMIN_PATH: 'staff_area-2' }).whmcs?.adminPath).to.equal('staff_area-2');
    expect(failure({ ...GOOD, WHMCS_URL: 'javascript:alert(1)' })).to.equal('WHMCS_URL must be the http(s) System URL of WHMCS');
    for (const bad of ['admin/../x', 'a b', 'https://evil.example']) {
      expect(failure({ ...GOOD, WHMCS_ADMIN_PATH: bad }), bad).to.match(/^WHMCS_ADMIN_PATH must be the name of the admin folder/);
    }
  });

  it('takes a frame ancestor only as an exact https origin', () => {
    for (const good of ['https://billing.example.com', 'https://billing.example.com:8443', 'https://xn--bcher-kva.example']) {
      expect(frameAncestorProblem(good), good).to.equal(null);
    }
    expect(frameAncestorProblem('https://*.example.com')).to.match(/has a wildcard/);
    expect(frameAncestorProblem('*')).to.match(/has a wildcard/);
    expect(frameAncestorProblem('http://billing.example.com')).to.match(/is not https/);
    expect(frameAncestorProblem('billing.example.com')).to.match(/is not an origin/);
    expect(frameAncestorProblem('https://billing.example.com/admin')).to.match(/has a path, query or fragment/);
    expect(frameAncestorProblem('https://billing.example.com?x=1')).to.match(/has a path, query or fragment/);
    expect(frameAncestorProblem('https://billing.example.com/')).to.match(/ends with a slash: write https:\/\/billing\.example\.com$/);
    expect(frameAncestorProblem('https://user:pw@billing.example.com')).to.match(/carries no user or password/).and.not.to.include('pw');
  });

  it('takes a base path only as plain segments under /', () => {
    for (const good of ['/', '/latchkey', '/latchkey/', '/vault/latch_key-2']) expect(basePathProblem(good), good).to.equal(null);
    for (const bad of ['', 'latchkey', '/latchkey/../admin', '/latch key', '/latchkey?x=1', 'https://vault.example.com/latchkey', '//latchkey', '/latchkey.php']) {
      expect(basePathProblem(bad), bad).to.match(/^LATCHKEY_BASE_PATH must be a plain path/);
    }
  });
});
