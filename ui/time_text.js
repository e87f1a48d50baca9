// A UTC instant shown in the viewer's own time zone and locale: either the local date and time,
// or relative ("2 minutes ago", kept current by the browser) with the exact local time on hover.
// A new instant comes through show() (the server keeps the prop for a page drawn anew): changing the
// prop would make NiceGUI redraw this element's parent and all its other children. It is drawn with
// the rest of its update (draw_soon.js).
import { drawSoon, forget } from "draw_soon";
import { ago, exact, tickDelay, ticker } from "relative_time";

export default {
  template: `<span :title="mode === 'relative' ? local : moment">{{ text }}</span>`,
  props: {
    iso: String,
    mode: { type: String, default: "local" },
  },
  data() {
    return { moment: this.iso, text: "", local: "" };
  },
  watch: {
    iso(value) {
      this.show(value);
    },
  },
  created() {
    this.next = this.iso;
    this.draw = () => this.redraw();
    this.redraw();
  },
  mounted() {
    if (this.mode === "relative") this.stop = ticker(() => this.tick(), () => tickDelay([this.moment]));
  },
  unmounted() {
    this.stop?.();
    forget(this.draw);
  },
  methods: {
    show(iso) {
      this.next = iso;
      drawSoon(this.draw);
    },
    redraw() {
      this.moment = this.next;
      this.local = exact(this.next);
      this.tick();
    },
    tick() {
      if (!this.moment) this.text = "—";
      else this.text = this.mode === "relative" ? ago(this.moment) : this.local;
    },
  },
};
