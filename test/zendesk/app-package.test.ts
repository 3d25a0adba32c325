/**
 * The ZAF app folder holds what `zcli apps:package` zips and Zendesk then
 * validates (zcli posts the zip to /api/v2/apps/validate; the checks are
 * those of Zendesk's zendesk_apps_support gem: lib/zendesk_apps_support/
 * validations/manifest.rb, translations.rb, source.rb, marketplace.rb, mime.rb).
 * These tests hold the folder to those rules, offline.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ZENDESK_LOCATIONS } from '../../adapters/zendesk/index.ts';

const APP = fileURLToPath(new URL('../../adapters/zendesk/app/', import.meta.url));
const read = (path: string) => readFileSync(join(APP, path), 'utf8');

function files(dir = APP): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    expect(stat.isSymbolicLink(), `${name}: zendesk refuses symlinks in the zip`).to.equal(false);
    return stat.isDirectory() ? files(path) : [relative(APP, path)];
  });
}

/** Width, height and colour type from a PNG's IHDR. */
function pngInfo(path: string): { width: number; height: number; colourType: number } {
  const data = readFileSync(join(APP, path));
  expect(data.subarray(0, 8).toString('hex'), `${path} is a PNG`).to.equal('89504e470d0a1a0a');
  expect(data.subarray(12, 16).toString('ascii')).to.equal('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), colourType: data[25]! };
}

interface Manifest {
  name: string;
  author: { name: string; email: string; url: string };
  defaultLocale: string;
  private: boolean;
  location: Record<string, Record<string, { url: string; flexible?: boolean }>>;
  signedUrls: boolean;
  parameters: Array<{ name: string; type: string; required?: boolean; secure?: boolean }>;
  version: string;
  frameworkVersion: string;
}

describe('Zendesk app folder (what zcli apps:package zips)', () => {
  const manifest = JSON.parse(read('manifest.json')) as Manifest;
  const all = files();

  it('manifest.json: the required fields, framework 2.0, signed URLs on', () => {
    expect(manifest.author.name).to.be.a('string').and.not.empty;
    expect(manifest.author.email).to.match(/^[^@\s]+@[^@\s]+$/);
    expect(() => new URL(manifest.author.url)).not.to.throw();
    expect(manifest.defaultLocale).to.match(/^[a-z]{2}(-\w{2,3})?$/);
    expect(manifest.frameworkVersion).to.equal('2.0');
    expect(manifest.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(manifest.signedUrls).to.equal(true);
    expect(manifest.private).to.be.a('boolean');
  });

  it('the three Support sidebars, each at Latchkey’s Zendesk entry for that location', () => {
    expect(Object.keys(manifest.location)).to.deep.equal(['support']);
    expect(Object.keys(manifest.location.support!).sort()).to.deep.equal([...ZENDESK_LOCATIONS].sort());
    for (const [name, options] of Object.entries(manifest.location.support!)) {
      // The validator lets a URL with a {{setting.…}} placeholder through; otherwise it must be https.
      expect(options.url, name).to.equal(`{{setting.latchkey_url}}/zendesk/entry/${name}`);
      if (options.flexible !== undefined) expect(options.flexible).to.be.a('boolean');
    }
  });

  it('parameters: a known type, unique, none called name, placeholders all defined, none secret-but-visible', () => {
    const types = ['text', 'password', 'checkbox', 'url', 'number', 'multiline', 'hidden', 'oauth'];
    const names = manifest.parameters.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    expect(names).not.to.include('name');
    for (const p of manifest.parameters) {
      expect(types, p.name).to.include(p.type);
      expect(p.required ?? false).to.be.a('boolean');
      expect(p.secure ?? false).to.be.a('boolean');
      if (p.type === 'hidden') expect(p.required ?? false).to.equal(false);
    }
    const used = JSON.stringify(manifest.location).match(/\{\{setting\.([a-z_]+)\}\}/g)!.map((m) => m.slice(10, -2));
    for (const name of used) expect(names).to.include(name);
  });

  it('translations: a valid locale per file, the default one present, the app name and every parameter label in each', () => {
    const translations = all.filter((f) => f.startsWith('translations/'));
    expect(translations.map((f) => f.slice(13, -5)).sort()).to.deep.equal(['de', 'en', 'es', 'fr', 'it']);
    expect(translations).to.include(`translations/${manifest.defaultLocale}.json`);
    for (const file of translations) {
      expect(file.slice(13, -5)).to.match(/^[a-z]{2}(-\w{2,3})?$/);
      const json = JSON.parse(read(file)) as { app: Record<string, unknown> & { parameters: Record<string, { label: string; helpText: string }> } };
      for (const key of ['name', 'short_description', 'long_description', 'installation_instructions']) {
        expect(json.app[key], `${file} app.${key}`).to.be.a('string').and.not.empty;
      }
      for (const p of manifest.parameters) {
        expect(json.app.parameters[p.name]?.label, `${file} label of ${p.name}`).to.be.a('string').and.not.empty;
        expect(json.app.parameters[p.name]?.helpText, `${file} help of ${p.name}`).to.be.a('string').and.not.empty;
      }
    }
  });

  it('assets: logo.png 320×320 and logo-small.png 128×128 with transparency', () => {
    expect(pngInfo('assets/logo.png')).to.deep.include({ width: 320, height: 320 });
    expect(pngInfo('assets/logo-small.png')).to.deep.equal({ width: 128, height: 128, colourType: 6 });
  });

  it('an iframe-only app: no app.js, app.css, lib/ or templates; only accepted file types', () => {
    for (const file of all) {
      expect(file, 'framework 2 apps carry no code of their own').not.to.match(/^(app\.js|app\.css|lib\/.*\.js|templates\/.*\.hdbs)$/);
      expect(file).to.match(/^(manifest\.json|translations\/[a-z-]+\.json|assets\/.+\.(png|jpg|jpeg|gif|svg|js|htm|html|css|map|eot|woff|woff2|otf|ttf|json|xml|hbs|hdbs))$/);
    }
  });
});
