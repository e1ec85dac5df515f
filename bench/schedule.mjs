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

/** Due times (ms from the start) of Poisson arrivals at `rate` for `seconds`: independent
 * requests, as many users' requests are, with exponential gaps between them, so bursts come
 * as often as chance makes them (evenly spaced arrivals never burst). Seeded: the same seed
 * gives the same schedule, so services compared in one run get the same arrivals. */
export function poissonArrivals(rate, seconds, seed = 1) {
  if (!(rate > 0) || !(seconds > 0)) throw new RangeError('rate and seconds must be positive');
  const random = mulberry32(seed);
  const end = seconds * 1000;
  const due = [];
  for (let t = -Math.log(1 - random()) * 1000 / rate; t < end; t += -Math.log(1 - random()) * 1000 / rate) {
    due.push(t);
  }
  return Float64Array.from(due);
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). Not for anything but load shapes. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per second of due time: how many requests completed, and their p50, p99 and max latency.
 * `latencies[i]` belongs to the request due at `schedule[i]` (NaN: it never completed). */
export function perSecond(schedule, latencies) {
  const buckets = [];
  for (let i = 0; i < schedule.length; i += 1) {
    if (Number.isNaN(latencies[i])) continue;
    (buckets[Math.floor(schedule[i] / 1000)] ??= []).push(latencies[i]);
  }
  return Array.from(buckets, (values, second) => {
    const sorted = Float64Array.from(values ?? []).sort();
    return {
      second,
      n: sorted.length,
      p50: sorted.length ? percentile(sorted, 0.5) : null,
      p99: sorted.length ? percentile(sorted, 0.99) : null,
      max: sorted.length ? sorted[sorted.length - 1] : null,
    };
  });
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
