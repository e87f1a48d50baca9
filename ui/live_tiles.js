// The stat cards, drawn by the browser from one small message per changed snapshot: the values,
// the change against one hour ago and the sparkline points (computed once on the server for every
// viewer). Updates wait for the page's next draw (draw_soon.js), so a burst costs one render, and a
// card is drawn again only when its number, change or sparkline did (v-memo): most snapshots change one
// or two.
import { drawSoon, forget } from "draw_soon";

const NUMBER = new Intl.NumberFormat();

export default {
  template: `
    <div class="grid w-full gap-4 grid-cols-1 sm:grid-cols-2 xl:grid-cols-6">
      <q-card v-for="card in cards" :key="card.key" v-memo="[shown.values[card.field], shown.changes[card.field], paths[card.field]]" flat bordered role="group" :aria-label="card.title"
              class="w-full h-full p-4 column no-wrap justify-between" style="gap: 0.25rem">
        <div class="row items-start no-wrap text-gray-500" style="gap: 0.5rem">
          <q-icon :name="card.icon" class="text-xl" aria-hidden="true" />
          <div class="text-sm font-medium leading-5">{{ card.title }}</div>
        </div>
        <div class="row items-baseline no-wrap" style="gap: 0.5rem">
          <div class="text-3xl font-bold tabular-nums">{{ number(shown.values[card.field]) }}</div>
          <div class="text-xs tabular-nums" :class="tone(shown.changes[card.field])">{{ change(shown.changes[card.field]) }}</div>
        </div>
        <svg class="w-full h-8" viewBox="0 0 100 32" preserveAspectRatio="none" aria-hidden="true">
          <path :d="paths[card.field]" fill="none" stroke="#4f46e5" stroke-width="1.5"
                vector-effect="non-scaling-stroke" stroke-linejoin="round" />
        </svg>
      </q-card>
    </div>`,
  props: {
    cards: Array,
    payload: Object, // what the page was built with; later ones come through show()
  },
  data() {
    return { shown: this.payload || { values: {}, changes: {}, sparks: {} }, pending: null };
  },
  computed: {
    paths() {
      return Object.fromEntries(this.cards.map((card) => [card.field, this.path(this.shown.sparks[card.field])]));
    },
  },
  created() {
    this.draw = () => (this.shown = this.pending);
  },
  unmounted() {
    forget(this.draw);
  },
  methods: {
    show(payload) {
      this.pending = payload;
      drawSoon(this.draw);
    },
    number(value) {
      return value === undefined || value === null ? "—" : NUMBER.format(value);
    },
    change(percent) {
      if (percent === undefined || percent === null) return "";
      const arrow = percent > 0 ? "▲" : percent < 0 ? "▼" : "=";
      return `${arrow} ${Math.abs(percent).toFixed(0)}% vs 1 h ago`;
    },
    tone(percent) {
      if (percent === undefined || percent === null || percent === 0) return "text-gray-500";
      return percent > 0 ? "text-green-600" : "text-red-600";
    },
    path(points) {
      if (!points || points.length < 2) return "";
      const times = points.map((p) => p[0]);
      const values = points.map((p) => p[1]);
      const [t0, t1] = [Math.min(...times), Math.max(...times)];
      const [low, high] = [Math.min(...values), Math.max(...values)];
      const x = (t) => (t1 > t0 ? ((t - t0) / (t1 - t0)) * 100 : 50);
      const y = (v) => (high > low ? 30 - ((v - low) / (high - low)) * 28 : 16);
      return points.map(([t, v], i) => `${i ? "L" : "M"}${x(t).toFixed(2)},${y(v).toFixed(2)}`).join("");
    },
  },
};
