// How the console writes a moment, for every component that shows one: the exact local time, and
// "2 minutes ago" (in the viewer's locale). Never "in 1 second": the server's clock may run a little
// ahead of the browser's. The formatters are made once: `toLocaleString()` builds one per call, which
// was most of what redrawing a table of times cost.
const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
// the fields `Date.prototype.toLocaleString()` shows when given none (ECMA-402: "any", "all")
const LOCAL = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});
const STEPS = [
  [60, "second", 1],
  [3600, "minute", 60],
  [86400, "hour", 3600],
  [Infinity, "day", 86400],
];
// A "… seconds ago" changes every second; a ticker shows it every FAST ms, older times every SLOW ms.
const FAST = 5000;
const SLOW = 60000;

export function exact(iso) {
  return iso ? LOCAL.format(new Date(iso)) : "";
}

export function ago(iso, now = Date.now()) {
  if (!iso) return "—";
  const seconds = Math.min(0, Math.round((Date.parse(iso) - now) / 1000));
  const [, unit, size] = STEPS.find(([limit]) => Math.abs(seconds) < limit);
  return RELATIVE.format(Math.round(seconds / size), unit);
}

// How long until ago() of these moments is worth showing again: soon while one counts seconds, then
// once a minute.
export function tickDelay(isos, now = Date.now()) {
  return isos.some((iso) => iso && now - Date.parse(iso) < 60000) ? FAST : SLOW;
}

// Calls `tick` after `delay()` ms, again and again, but not while the tab is hidden: it runs once when
// the tab is shown again. Returns a function that stops it.
export function ticker(tick, delay) {
  let timer = 0;
  const schedule = () => {
    clearTimeout(timer);
    timer = document.hidden ? 0 : setTimeout(run, delay());
  };
  const run = () => {
    tick();
    schedule();
  };
  const shown = () => (document.hidden ? clearTimeout(timer) : run());
  document.addEventListener("visibilitychange", shown);
  schedule();
  return () => {
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", shown);
  };
}
