// The entry dialog's strength meter: zxcvbn-ts with the same dictionaries the
// server enforces its minimum with (core/crypto/password-strength.ts).
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { optional } from './dom.ts';
import { say, type PanelConfig } from './panel-config.ts';

let estimator: ZxcvbnFactory | null = null;

/** Shows the score of what the password field holds (nothing while it is empty). */
export function showStrength(cfg: PanelConfig, form: HTMLFormElement): void {
  const meter = optional(form, '[data-lk-strength]', HTMLElement);
  const password = optional(form, '[data-lk-password-input]', HTMLInputElement);
  if (!meter || !password) return;
  const bar = optional(meter, 'meter', HTMLMeterElement);
  const label = optional(meter, '[data-lk-strength-label]', HTMLElement);
  meter.hidden = password.value === '';
  if (password.value === '') return;
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const related = ['name', 'username'].map((name) => {
    const field = form.elements.namedItem(name);
    return field instanceof HTMLInputElement ? field.value : '';
  }).filter((word) => word !== '');
  const score = estimator.check(password.value, related).score;
  meter.dataset.lkScore = String(score);
  if (bar) bar.value = score;
  if (label) label.textContent = say(cfg, `strength${score}`);
}
