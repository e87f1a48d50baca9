// Airdate's log as it happens. The server sends each new entry once (add) and the whole window
// only after a reload (replace); the level filter and the local-time formatting run here.
const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
const CLASSES = { WARNING: "text-amber-600", ERROR: "text-red-600", CRITICAL: "text-red-700 font-bold" };

export default {
  template: `
    <div ref="box" class="overflow-y-auto whitespace-pre-wrap font-mono" role="log" aria-live="polite">
      <div v-for="entry in shown" :key="entry.n" :class="classes[entry.level] || ''">{{ line(entry) }}</div>
    </div>`,
  props: {
    entries: Array,
    minLevel: { type: String, default: "INFO" },
    maxLines: { type: Number, default: 200 },
  },
  data() {
    return { lines: [], counter: 0, classes: CLASSES, queued: [], frame: 0 };
  },
  unmounted() {
    cancelAnimationFrame(this.frame);
  },
  created() {
    this.replace(this.entries || []);
  },
  computed: {
    shown() {
      const lowest = LEVELS.indexOf(this.minLevel);
      return this.lines.filter((entry) => LEVELS.indexOf(entry.level) >= lowest || !LEVELS.includes(entry.level));
    },
  },
  methods: {
    line(entry) {
      return `${new Date(entry.ts).toLocaleString()} ${entry.level.padEnd(7)} ${entry.logger}: ${entry.message}`;
    },
    add(entry) {
      this.queued.push(entry); // lines that arrive together are drawn together, at the next frame
      if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
    },
    flush() {
      this.frame = 0;
      const box = this.$refs.box;
      const atBottom = !box || box.scrollHeight - box.scrollTop - box.clientHeight < 8;
      const lines = [...this.lines, ...this.queued.map((entry) => ({ ...entry, n: this.counter++ }))];
      this.queued = [];
      this.lines = lines.slice(-this.maxLines);
      if (atBottom) this.$nextTick(() => box && (box.scrollTop = box.scrollHeight));
    },
    replace(entries) {
      this.lines = entries.map((entry) => ({ ...entry, n: this.counter++ })).slice(-this.maxLines);
      this.$nextTick(() => this.$refs.box && (this.$refs.box.scrollTop = this.$refs.box.scrollHeight));
    },
  },
};
