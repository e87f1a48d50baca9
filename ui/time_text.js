// A UTC instant shown in the viewer's own time zone and locale: either the local date and time,
// or relative ("2 minutes ago", kept current by the browser) with the exact local time on hover.
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const STEPS = [
  [60, "second", 1],
  [3600, "minute", 60],
  [86400, "hour", 3600],
  [Infinity, "day", 86400],
];

export default {
  template: `<span :title="mode === 'relative' ? exact : iso">{{ text }}</span>`,
  props: {
    iso: String,
    mode: { type: String, default: "local" },
  },
  data() {
    return { now: Date.now() };
  },
  mounted() {
    if (this.mode === "relative") this.timer = setInterval(() => (this.now = Date.now()), 5000);
  },
  unmounted() {
    clearInterval(this.timer);
  },
  computed: {
    exact() {
      return this.iso ? new Date(this.iso).toLocaleString() : "";
    },
    text() {
      if (!this.iso) return "—";
      if (this.mode !== "relative") return this.exact;
      // never "in 1 second": the server's clock may run a little ahead of the browser's
      const seconds = Math.min(0, Math.round((Date.parse(this.iso) - this.now) / 1000));
      const [, unit, size] = STEPS.find(([limit]) => Math.abs(seconds) < limit);
      return relative.format(Math.round(seconds / size), unit);
    },
  },
};
