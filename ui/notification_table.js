// The newest notifications, newest first. The server sends one row per change (upsert); a known row
// changes in place, a new one goes on top. Times read "2 minutes ago" (one ticker for the whole table,
// every few seconds while a row counts seconds, else once a minute, never while the tab is hidden) with
// the exact local time on hover. Changes wait for the page's next draw (draw_soon.js). For admins
// (``retryable``) a failed row has a Retry button; its new status arrives like any other change.
// A row is drawn again only when it or its "… ago" changed (v-memo): a new row or a tick used to redraw
// all fifty, and format all their times anew.
import { drawSoon, forget } from "draw_soon";
import { ago, exact, tickDelay, ticker } from "relative_time";

const COLORS = { pending: "orange", sending: "blue", sent: "positive", failed: "negative", skipped: "grey-6" };

export default {
  template: `
    <div>
      <q-markup-table flat dense wrap-cells class="w-full overflow-x-auto">
        <thead><tr>
          <th class="text-left">When</th><th class="text-left">User</th>
          <th class="text-left">Subject</th><th class="text-left">Channel</th><th class="text-left">Status</th>
        </tr></thead>
        <tbody>
          <tr v-for="row in rows" :key="row.id" v-memo="[row, agos[row.id], retryable]" :data-notification="row.id">
            <td><span :title="row.exactTime">{{ agos[row.id] }}</span></td>
            <td class="font-medium">{{ row.user }}</td>
            <td class="whitespace-normal">{{ row.subject }}</td>
            <td class="text-gray-500 break-all">{{ row.channel }}</td>
            <td class="whitespace-nowrap">
              <q-chip dense square text-color="white" :color="colors[row.status] || 'grey'">{{ row.status }}</q-chip>
              <q-btn v-if="retryable && row.status === 'failed'" flat dense no-caps size="sm" icon="replay"
                     label="Retry" :aria-label="'Retry notification ' + row.id" :data-retry="row.id"
                     @click="$emit('retry', row.id)" />
            </td>
          </tr>
        </tbody>
      </q-markup-table>
      <div v-if="!rows.length" class="px-4 py-3 text-gray-500">No notifications yet.</div>
    </div>`,
  props: {
    initial: Array,
    limit: { type: Number, default: 50 },
    retryable: Boolean,
  },
  data() {
    const rows = (this.initial || []).map(withTime);
    return { rows, agos: agos(rows), colors: COLORS, queued: [] };
  },
  created() {
    this.draw = () => this.apply();
  },
  mounted() {
    this.stop = ticker(
      () => this.tick(),
      () => tickDelay(this.rows.map((row) => row.created_at)),
    );
  },
  unmounted() {
    this.stop();
    forget(this.draw);
  },
  methods: {
    upsert(row) {
      this.queued.push(withTime(row));
      drawSoon(this.draw);
    },
    replace(rows) {
      forget(this.draw);
      this.queued = [];
      this.rows = rows.map(withTime);
      this.agos = agos(this.rows);
    },
    apply() {
      const rows = [...this.rows];
      const now = Date.now();
      for (const row of this.queued) {
        this.agos[row.id] = ago(row.created_at, now); // the others change at the ticker's pace
        const at = rows.findIndex((known) => known.id === row.id);
        if (at >= 0) rows[at] = row;
        else rows.unshift(row);
      }
      this.queued = [];
      for (const gone of rows.splice(this.limit)) delete this.agos[gone.id];
      this.rows = rows;
    },
    tick() {
      const now = Date.now();
      for (const row of this.rows) {
        const text = ago(row.created_at, now);
        if (this.agos[row.id] !== text) this.agos[row.id] = text; // only rows whose text changed redraw
      }
    },
  },
};

function withTime(row) {
  return { ...row, exactTime: exact(row.created_at) };
}

function agos(rows) {
  const now = Date.now();
  return Object.fromEntries(rows.map((row) => [row.id, ago(row.created_at, now)]));
}
