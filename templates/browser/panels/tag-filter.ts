// A tag chip on an entry shows only the panel's entries carrying that tag
// (every list of the panel at once); the bar above each list names the tag
// and brings every entry back.
import { all } from './dom.ts';
import { say, type PanelConfig } from './panel-config.ts';

export function filterByTag(cfg: PanelConfig, tag: string | null): void {
  const key = tag?.toLocaleLowerCase() ?? null;
  for (const row of all(cfg.panel, '[data-lk-row]', HTMLElement)) {
    const tags = all(row, '[data-lk-tag]', HTMLElement).map((chip) => (chip.dataset.lkTag ?? '').toLocaleLowerCase());
    row.hidden = key !== null && !tags.includes(key);
  }
  for (const bar of all(cfg.panel, '[data-lk-tag-filter]', HTMLElement)) {
    bar.hidden = tag === null;
    const label = bar.querySelector('[data-lk-tag-filter-label]');
    if (label) label.textContent = tag === null ? '' : say(cfg, 'tagFiltered', { tag });
  }
}
