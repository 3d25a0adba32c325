import { expect } from 'chai';
import { Secret, ValidationError, type PasswordRulesInput } from '../../core/index.ts';
import { forEachDatabase, openVault, type Vault } from '../support/databases.ts';
import { hostFixture } from '../support/host-fixture.ts';
import { thrown } from './support.ts';
import { dictionary } from '@zxcvbn-ts/language-common';
import { strengthOf } from '../../core/crypto/password-strength.ts';

const CLASSES = {
  lower: /[a-z]/,
  upper: /[A-Z]/,
  digits: /[0-9]/,
  symbols: /[^A-Za-z0-9]/,
} as const;
type ClassName = keyof typeof CLASSES;
const NAMES = Object.keys(CLASSES) as ClassName[];

/** Every non-empty choice of character classes. */
function classChoices(): ClassName[][] {
  const choices: ClassName[][] = [];
  for (let mask = 1; mask < 1 << NAMES.length; mask++) choices.push(NAMES.filter((_, i) => mask & (1 << i)));
  return choices;
}

function rulesFor(chosen: readonly ClassName[], extra: PasswordRulesInput = {}): PasswordRulesInput {
  return { lower: false, upper: false, digits: false, symbols: false, ...Object.fromEntries(chosen.map((c) => [c, true])), ...extra };
}

forEachDatabase('password generator', (db) => {
  let vault: Vault;
  before(async () => { vault = await openVault(db, hostFixture()); });
  after(async () => { await vault.close(); });

  function generate(rules?: PasswordRulesInput): string {
    const secret = vault.lk.generatePassword(rules);
    expect(secret).to.be.instanceOf(Secret);
    return secret.expose();
  }

  function validationError(rules: unknown): ValidationError {
    const err = thrown(() => vault.lk.generatePassword(rules as PasswordRulesInput));
    expect(err, `${err.name}: ${err.message}`).to.be.instanceOf(ValidationError);
    return err as ValidationError;
  }

  it('by default gives 20 characters with lower case, upper case, digits and symbols', () => {
    for (let i = 0; i < 50; i++) {
      const password = generate();
      expect(password).to.have.length(20);
      for (const name of NAMES) expect(password, `${name} in ${password}`).to.match(CLASSES[name]);
    }
  });

  it('respects the requested length', () => {
    for (const length of [8, 9, 12, 33, 64, 128, 255, 256]) {
      expect(generate({ length })).to.have.length(length);
      expect(generate({ length, symbols: false, avoidAmbiguous: true })).to.have.length(length);
    }
  });

  it('puts every chosen class in the password and no other, even at the shortest length', () => {
    for (const chosen of classChoices()) {
      for (let i = 0; i < 30; i++) {
        const password = generate(rulesFor(chosen, { length: 8 }));
        expect(password).to.have.length(8);
        for (const name of NAMES) {
          expect(CLASSES[name].test(password), `${name} in ${password} (chose ${chosen.join(', ')})`).to.equal(chosen.includes(name));
        }
      }
    }
  });

  it('draws only printable ASCII without spaces or quotes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const c of generate({ length: 64 })) seen.add(c);
    for (const c of seen) expect(c, JSON.stringify(c)).to.match(/^[!-~]$/).and.not.match(/["'`\\]/);
    // 200 x 64 characters reach (nearly) the whole alphabet: the pools are really used.
    expect(seen.size).to.be.greaterThan(80);
  });

  it('with avoidAmbiguous never uses 0 O 1 l I or |', () => {
    for (const chosen of classChoices()) {
      for (let i = 0; i < 20; i++) {
        const password = generate(rulesFor(chosen, { length: 64, avoidAmbiguous: true }));
        expect(password).to.have.length(64);
        expect(password).not.to.match(/[0O1lI|]/);
        for (const name of chosen) expect(password, `${name} in ${password}`).to.match(CLASSES[name]);
      }
    }
  });

  it('never repeats itself (draws from the crypto RNG)', () => {
    const passwords = new Set<string>();
    for (let i = 0; i < 1000; i++) passwords.add(generate({ length: 12 }));
    expect(passwords.size).to.equal(1000);
  });

  it('spreads the chosen classes over every position (the result is shuffled)', () => {
    const firstIsDigit = new Set<boolean>();
    for (let i = 0; i < 200; i++) firstIsDigit.add(/[0-9]/.test(generate({ length: 8, lower: true, upper: false, digits: true, symbols: false })[0]!));
    expect([...firstIsDigit].sort()).to.deep.equal([false, true]);
  });

  it('the generated password redacts itself', () => {
    const secret = vault.lk.generatePassword({ length: 30 });
    expect(JSON.stringify({ secret })).to.equal('{"secret":"[secret]"}');
    expect(`${secret}`).to.equal('[secret]');
    expect(String(secret)).not.to.include(secret.expose());
  });

  it('a length below 8 or above 256, or not a whole number, is a ValidationError naming "length"', () => {
    for (const length of [3, 0, -1, 7, 257, 8.5, Number.NaN]) {
      expect(validationError({ length }).field, String(length)).to.equal('length');
    }
    expect(validationError({ length: '12' }).field).to.equal('length');
  });

  it('choosing no character class is a ValidationError naming a class field', () => {
    const err = validationError({ lower: false, upper: false, digits: false, symbols: false });
    expect(NAMES as string[]).to.include(err.field);
    expect(err.message).to.include(err.field);
    expect(validationError({ length: 16, lower: false, upper: false, digits: false, symbols: false, avoidAmbiguous: true }).field).to.be.oneOf(NAMES);
  });

  it('a non-boolean class flag or an unknown rule is a ValidationError naming it', () => {
    expect(validationError({ upper: 'yes' }).field).to.equal('upper');
    expect(validationError({ avoidAmbiguous: 1 }).field).to.equal('avoidAmbiguous');
    expect(validationError({ lenght: 12 }).field).to.equal('lenght');
    expect(validationError({ length: 12, spaces: true }).field).to.equal('spaces');
  });

  it('a passphrase is the number of words asked for, each from the EFF diceware list, joined by hyphens', () => {
    const list = new Set(dictionary['diceware-common']);
    expect(list.size).to.equal(7776);
    for (const words of [4, 6, 12]) {
      const parts = generate({ mode: 'passphrase', words }).split('-');
      expect(parts, String(words)).to.have.length(words);
      for (const word of parts) expect(list.has(word), word).to.equal(true);
    }
  });

  it('a passphrase needs no character class, and its word count runs from 4 to 12', () => {
    expect(generate({ mode: 'passphrase', lower: false, upper: false, digits: false, symbols: false }).split('-')).to.have.length(6);
    expect(validationError({ mode: 'passphrase', words: 3 }).field).to.equal('words');
    expect(validationError({ mode: 'passphrase', words: 13 }).field).to.equal('words');
    expect(validationError({ mode: 'sentence' }).field).to.equal('mode');
  });

  it('a passphrase of the default six words is rated very strong by the meter\'s estimator', () => {
    expect(strengthOf(generate({ mode: 'passphrase' }))).to.equal(4);
  });
});
