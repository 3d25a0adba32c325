/**
 * A table wider than its panel scrolls sideways inside its box (.lk-scroll).
 * Keyboard users can scroll such a box only once it takes focus, so a box
 * that overflows joins the tab order, and leaves it when it fits again (a
 * box that never scrolls would be a useless stop).
 */
export function focusScrollingRegions(): void {
  const boxes = [...document.querySelectorAll<HTMLElement>('.lk .lk-scroll')];
  const update = (box: HTMLElement) => {
    if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
    else box.removeAttribute('tabindex');
  };
  boxes.forEach(update);
  const observer = new ResizeObserver((changes) => changes.forEach((change) => update(change.target as HTMLElement)));
  boxes.forEach((box) => observer.observe(box));
}
