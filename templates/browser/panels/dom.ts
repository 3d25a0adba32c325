/** A DOM element class, such as `HTMLInputElement`, to check what a selector found. */
export type ElementClass<T extends Element> = abstract new () => T;

/**
 * The element `selector` finds under `root`, checked to be a `type`. The
 * templates always hold it: its absence is a bug, reported as such.
 */
export function required<T extends Element>(root: ParentNode, selector: string, type: ElementClass<T>): T {
  const found = root.querySelector(selector);
  if (!(found instanceof type)) throw new Error(`latchkey: no ${selector} here`);
  return found;
}

/** The element `selector` finds under `root` if it is a `type`, else null. */
export function optional<T extends Element>(root: ParentNode, selector: string, type: ElementClass<T>): T | null {
  const found = root.querySelector(selector);
  return found instanceof type ? found : null;
}

/** Every element `selector` finds under `root` that is a `type`. */
export function all<T extends Element>(root: ParentNode, selector: string, type: ElementClass<T>): T[] {
  return [...root.querySelectorAll(selector)].filter((el): el is T => el instanceof type);
}

/** The nearest ancestor (or `el` itself) matching `selector`, checked to be a `type`; its absence is a bug. */
export function enclosing<T extends Element>(el: Element, selector: string, type: ElementClass<T>): T {
  const found = el.closest(selector);
  if (!(found instanceof type)) throw new Error(`latchkey: not inside ${selector}`);
  return found;
}

/** A control of a form, by name. */
export type FormField = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** The form's control named `name`, or null when the form has none (or several). */
export function fieldOf(form: HTMLFormElement, name: string): FormField | null {
  const item = form.elements.namedItem(name);
  return item instanceof HTMLInputElement || item instanceof HTMLSelectElement || item instanceof HTMLTextAreaElement ? item : null;
}

/** The form's input named `name`; the templates always hold it. */
export function inputOf(form: HTMLFormElement, name: string): HTMLInputElement {
  const item = form.elements.namedItem(name);
  if (!(item instanceof HTMLInputElement)) throw new Error(`latchkey: no input ${name} in this form`);
  return item;
}

/** The dialog around `el`, closed. */
export function closeDialogOf(el: Element): void {
  enclosing(el, 'dialog', HTMLDialogElement).close();
}
