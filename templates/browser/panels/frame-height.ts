// A framed page (WHMCS, the Zendesk sidebar) tells the page around it how tall
// its content is, on load and whenever that changes, so the host can size the
// frame to fit. The frame does not know its parent's origin, so the message
// goes to '*' and carries the height only, nothing else; the host's listener
// checks where it came from (see adapters/whmcs Bridge::autoHeightScript).

/** Starts reporting the page's height to the frame's parent; does nothing outside a frame. */
export function reportFrameHeight(): void {
  if (window.parent === window || window.__latchkeyHeightReporter) return;
  window.__latchkeyHeightReporter = true;
  let last = -1;
  // The document's own height, not the frame's: <html> is as tall as its
  // content, however tall the frame is. An open modal dialog sits above the
  // page and may be taller than it: the frame then grows to show it whole.
  const measure = () => {
    let height = document.documentElement.getBoundingClientRect().height;
    for (const dialog of document.querySelectorAll('dialog[open]')) height = Math.max(height, dialog.scrollHeight + 48);
    return Math.ceil(height);
  };
  const report = () => {
    const height = measure();
    if (height === last || height <= 0) return;
    last = height;
    window.parent.postMessage({ type: 'latchkey:height', height }, '*');
  };
  if (typeof ResizeObserver === 'function') {
    const observer = new ResizeObserver(report);
    observer.observe(document.documentElement);
    for (const dialog of document.querySelectorAll('dialog')) observer.observe(dialog);
  }
  window.addEventListener('load', report);
  report();
}
