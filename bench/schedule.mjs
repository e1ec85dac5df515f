// The pure parts of bench/open_loop.mjs (tested in tests/js/bench_schedule.test.mjs):
// when each request is due, and latency percentiles.

/** Due times (ms from the start) of a fixed arrival rate: request i at i * 1000 / rate,
 * for `seconds`; evenly spaced, so that a late answer delays no later arrival. */
export function arrivals(rate, seconds) {
  if (!(rate > 0) || !(seconds > 0)) throw new RangeError('rate and seconds must be positive');
  const count = Math.floor(rate * seconds);
  const interval = 1000 / rate;
  return Float64Array.from({ length: count }, (_, i) => i * interval);
}

/** The due times that have come by `now` (ms), from index `next` on: [next, end). */
export function dueUntil(schedule, next, now) {
  let end = next;
  while (end < schedule.length && schedule[end] <= now) end += 1;
  return end;
}

/** The nearest-rank percentile (q in (0, 1]) of sorted values; NaN when there are none. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
