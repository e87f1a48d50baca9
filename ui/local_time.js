// Shows a UTC instant in the viewer's own time zone and locale; the exact ISO time on hover.
export default {
  template: `<span :title="iso">{{ text }}</span>`,
  props: {
    iso: String,
  },
  computed: {
    text() {
      return this.iso ? new Date(this.iso).toLocaleString() : "—";
    },
  },
};
