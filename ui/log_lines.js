// Airdate's log as it happens. The server sends each new entry once (add) and the whole window
// only after a reload (replace); the level filter and the local-time formatting run here.
// Each line is written to the page once, when it arrives, and removed when it scrolls out of the window:
// redrawing the window through Vue (200 lines, each time formatted anew) for every new line was most
// of what the log cost an open dashboard.
import { drawSoon, forget } from "draw_soon";
import { exact } from "relative_time";

const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
const CLASSES = { WARNING: "text-amber-600", ERROR: "text-red-600", CRITICAL: "text-red-700 font-bold" };

export default {
  template: `<div ref="box" class="overflow-y-auto whitespace-pre-wrap font-mono" role="log" aria-live="polite"></div>`,
  props: {
    entries: Array,
    minLevel: { type: String, default: "INFO" },
    maxLines: { type: Number, default: 200 },
  },
  created() {
    this.lines = []; // {entry, node}, oldest first; not reactive: the page is written by hand
    this.queued = [];
    this.draw = () => this.flush();
  },
  mounted() {
    this.replace(this.entries || []);
  },
  unmounted() {
    forget(this.draw);
  },
  watch: {
    minLevel() {
      this.redraw();
    },
  },
  methods: {
    shown(entry) {
      return !LEVELS.includes(entry.level) || LEVELS.indexOf(entry.level) >= LEVELS.indexOf(this.minLevel);
    },
    node(entry) {
      const node = document.createElement("div");
      if (CLASSES[entry.level]) node.className = CLASSES[entry.level];
      node.textContent = `${exact(entry.ts)} ${entry.level.padEnd(7)} ${entry.logger}: ${entry.message}`;
      return node;
    },
    add(entry) {
      this.queued.push(entry); // lines that arrive together are drawn together, in the page's next draw
      drawSoon(this.draw);
    },
    flush() {
      const box = this.$refs.box;
      if (!box) return;
      const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 8;
      const added = document.createDocumentFragment();
      for (const entry of this.queued) {
        const line = { entry, node: this.shown(entry) ? this.node(entry) : null };
        if (line.node) added.append(line.node);
        this.lines.push(line);
      }
      this.queued = [];
      for (const gone of this.lines.splice(0, Math.max(0, this.lines.length - this.maxLines))) gone.node?.remove();
      box.append(added);
      if (atBottom) box.scrollTop = box.scrollHeight;
    },
    replace(entries) {
      forget(this.draw);
      this.queued = [];
      this.lines = entries.slice(-this.maxLines).map((entry) => ({ entry, node: null }));
      this.redraw();
    },
    redraw() {
      const box = this.$refs.box;
      if (!box) return;
      for (const line of this.lines) line.node = this.shown(line.entry) ? line.node || this.node(line.entry) : null;
      box.replaceChildren(...this.lines.filter((line) => line.node).map((line) => line.node));
      box.scrollTop = box.scrollHeight;
    },
  },
};
