// A UTC instant shown in the viewer's own time zone and locale: either the local date and time,
// or relative ("2 minutes ago", kept current by the browser) with the exact local time on hover.
import { ago as relativeTime, exact as localTime } from "relative_time";

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
      return localTime(this.iso);
    },
    text() {
      if (!this.iso) return "—";
      return this.mode === "relative" ? relativeTime(this.iso, this.now) : this.exact;
    },
  },
};
