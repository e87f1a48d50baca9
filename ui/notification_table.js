// The newest notifications, newest first. The server sends one row per change (upsert); a known row
// changes in place, a new one goes on top. Times read "2 minutes ago" (one timer for the whole table)
// with the exact local time on hover. Changes wait for the next animation frame. For admins
// (``retryable``) a failed row has a Retry button; its new status arrives like any other change.
import { ago as relativeTime, exact as localTime } from "relative_time";

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
          <tr v-for="row in rows" :key="row.id" :data-notification="row.id">
            <td><span :title="exact(row.created_at)">{{ ago(row.created_at) }}</span></td>
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
    return { rows: [...(this.initial || [])], now: Date.now(), colors: COLORS, queued: [], frame: 0 };
  },
  mounted() {
    this.timer = setInterval(() => (this.now = Date.now()), 5000);
  },
  unmounted() {
    clearInterval(this.timer);
    cancelAnimationFrame(this.frame);
  },
  methods: {
    upsert(row) {
      this.queued.push(row);
      if (!this.frame) this.frame = requestAnimationFrame(() => this.apply());
    },
    replace(rows) {
      this.queued = [];
      this.rows = [...rows];
    },
    apply() {
      this.frame = 0;
      const rows = [...this.rows];
      for (const row of this.queued) {
        const at = rows.findIndex((known) => known.id === row.id);
        if (at >= 0) rows[at] = row;
        else rows.unshift(row);
      }
      this.queued = [];
      this.rows = rows.slice(0, this.limit);
    },
    exact(iso) {
      return localTime(iso);
    },
    ago(iso) {
      return relativeTime(iso, this.now);
    },
  },
};
