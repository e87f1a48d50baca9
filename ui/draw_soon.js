// One browser frame for the changes of one update, whichever widget they are for. The server sends an
// update's parts as separate websocket messages (the stat cards, the table's rows, the log's lines, the
// header's times), and the browser drew each in its own frame when they straddled one: two or three
// frames (style, layout, paint, raster, composite) for one update. A draw waits until no part has come
// for SETTLE ms (but never more than LATEST ms in all), then all of them run in the same animation frame.
const SETTLE = 40;
const LATEST = 200;
const queued = new Set();
let timer = 0;
let since = 0;

// Runs `draw` (one function per widget: queued twice, it runs once) in the next frame after the
// current burst of messages.
export function drawSoon(draw) {
  if (!queued.size) since = performance.now();
  queued.add(draw);
  if (timer && performance.now() - since > LATEST) return;
  clearTimeout(timer);
  timer = setTimeout(() => requestAnimationFrame(drawAll), SETTLE);
}

export function forget(draw) {
  queued.delete(draw);
}

function drawAll() {
  timer = 0;
  const draws = [...queued];
  queued.clear();
  for (const draw of draws) draw();
}
