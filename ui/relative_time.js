// How the console writes a moment, for every component that shows one: the exact local time, and
// "2 minutes ago" (in the viewer's locale). Never "in 1 second": the server's clock may run a little
// ahead of the browser's.
const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const STEPS = [
  [60, "second", 1],
  [3600, "minute", 60],
  [86400, "hour", 3600],
  [Infinity, "day", 86400],
];

export function exact(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

export function ago(iso, now = Date.now()) {
  if (!iso) return "—";
  const seconds = Math.min(0, Math.round((Date.parse(iso) - now) / 1000));
  const [, unit, size] = STEPS.find(([limit]) => Math.abs(seconds) < limit);
  return RELATIVE.format(Math.round(seconds / size), unit);
}
