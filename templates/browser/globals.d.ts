// Marks on `window` that keep the script from starting twice when a host
// includes it more than once (several panels on one page).
interface Window {
  __latchkeyLoaded?: boolean;
  __latchkeyHeightReporter?: boolean;
}
