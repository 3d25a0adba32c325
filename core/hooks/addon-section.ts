import type { Actor, AdminActor } from '../domain/actor.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { Latchkey } from '../latchkey.ts';
import type { HookContext, HookSurface } from './hook-contract.ts';

/**
 * A page an adapter adds to the addon's own pages (next to dashboard,
 * settings...), for the admins who may run the addon, with the actions its
 * forms call. The host passes sections to `createHooks` (or `mountLatchkey`'s
 * `addonSections`); Latchkey shows them in the pages' navigation, renders
 * them, and lets only admins who may run the addon call their actions.
 */
export interface AddonSection {
  /** `page=<name>` in the addon pages, and `<api>/addon/<name>/<action>`: lower-case letters, digits and dashes. */
  readonly name: string;
  /** i18n key (namespace `latchkey`) of the section's link in the navigation and of its page title. */
  readonly navLabelKey: string;
  /**
   * Handlebars source of the page's body, rendered with the addon pages'
   * partials and helpers (`t`, `safeUrl`, `json`...) over what `model` returns.
   * Handlebars escapes `{{value}}`: never use triple braces for data.
   */
  readonly template: string;
  /** What the template shows; called only for admins who may run the addon. */
  model(actor: AdminActor, context: HookContext, surface: HookSurface): Promise<object>;
  /**
   * What the page's forms call (`data-lk-addon-form="<action>"`), with the
   * request's JSON body as `input`, only for admins who may run the addon.
   * Bad input throws core's `ValidationError` naming the field, before anything is written.
   */
  readonly actions: Readonly<Record<string, (actor: AdminActor, input: unknown) => Promise<void>>>;
}

const SECTION_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const ACTION_NAME = /^[a-z][A-Za-z0-9-]{0,39}$/;

/** Checks the sections a host passes (names, no clash with `reserved` pages or each other); throws a TypeError naming the problem. */
export function checkAddonSections(sections: readonly AddonSection[], reserved: readonly string[]): readonly AddonSection[] {
  const seen = new Set(reserved);
  for (const section of sections) {
    if (!SECTION_NAME.test(section.name)) throw new TypeError(`addon section "${String(section.name).slice(0, 60)}": a name is lower-case letters, digits and dashes`);
    if (seen.has(section.name)) throw new TypeError(`addon section "${section.name}": the name is taken`);
    seen.add(section.name);
    if (typeof section.template !== 'string' || typeof section.model !== 'function' || typeof section.navLabelKey !== 'string') {
      throw new TypeError(`addon section "${section.name}": needs navLabelKey, template and model`);
    }
    for (const action of Object.keys(section.actions)) {
      if (!ACTION_NAME.test(action)) throw new TypeError(`addon section "${section.name}": action "${action.slice(0, 60)}" is not a plain name`);
    }
  }
  return sections;
}

/**
 * Runs one action of one section for an edge (the Express API, or any other):
 * refuses anyone who may not run the addon (ForbiddenError) and names no
 * action that does not exist (NotFoundError); the action itself refuses bad input.
 */
export async function runAddonAction(
  lk: Latchkey, sections: readonly AddonSection[], actor: Actor, sectionName: string, actionName: string, input: unknown,
): Promise<void> {
  if (actor.kind !== 'admin' || !(await lk.mayRunAddon(actor))) throw new ForbiddenError('run the addon');
  const section = sections.find((s) => s.name === sectionName);
  const action = section && Object.hasOwn(section.actions, actionName) ? section.actions[actionName] : undefined;
  if (!action) throw new NotFoundError('addon action');
  await action(actor, input);
}
