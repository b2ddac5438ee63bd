// WRAPT_TRACE_SUMMARY=1 (config "traceSummary": true): at exit, one line per traced function
// counting every call, written or not (`slow`, `errors` and `sample` only choose which calls
// get a line of their own):
//
//   wrapt-hooks: trace summary greeter#shout calls=3 errors=0 p50=0.04ms p95=0.05ms max=0.06ms
import { atExit } from './at-exit';
import { emit, jsonLines } from './output';
import { isMainThread } from '../thread';

/** Durations kept per function for the percentiles; past this, a uniform sample (reservoir). */
const KEEP = 100_000;

export class Stats {
  calls = 0;
  errors = 0;
  /** Calls whose duration is known (a promise still pending at exit has none). */
  private timed = 0;
  private max = 0;
  private readonly durations: number[] = [];

  /** `keep`: durations kept for the percentiles before sampling (recipes keep fewer, per key). */
  constructor(
    readonly fn: string,
    private readonly keep = KEEP,
  ) {}

  call(): void {
    this.calls++;
  }

  /** A call ended after `ms`; `failed` for a throw or a rejection. */
  done(ms: number, failed: boolean): void {
    if (failed) this.errors++;
    this.timed++;
    if (ms > this.max) this.max = ms;
    if (this.durations.length < this.keep) this.durations.push(ms);
    else {
      const slot = Math.floor(Math.random() * this.timed);
      if (slot < this.keep) this.durations[slot] = ms;
    }
  }

  line(): { text: string; fields: Record<string, unknown> } {
    const sorted = [...this.durations].sort((a, b) => a - b);
    const p50 = percentile(sorted, 0.5);
    const p95 = percentile(sorted, 0.95);
    const ms = (value: number | undefined): string => (value === undefined ? '-' : `${value.toFixed(value < 10 ? 2 : 1)}ms`);
    return {
      text: `summary ${this.fn} calls=${this.calls} errors=${this.errors} p50=${ms(p50)} p95=${ms(p95)} max=${ms(sorted.length === 0 ? undefined : this.max)}`,
      fields: {
        summary: true,
        fn: this.fn,
        calls: this.calls,
        errors: this.errors,
        p50: round(p50),
        p95: round(p95),
        max: sorted.length === 0 ? null : round(this.max),
      },
    };
  }
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function round(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 1000) / 1000;
}

const all: Stats[] = [];
let hooked = false;

/** The counters of one traced function; the exit summary is set up on first use. */
export function statsFor(fn: string): Stats {
  const stats = new Stats(fn);
  all.push(stats);
  if (!hooked) {
    hooked = true;
    atExit(writeSummary);
  }
  return stats;
}

/** The process's own trace summary as it stands now, one entry per traced function (for `wrapt-hooks attach --summary`). */
export function summaryNow(): { text: string; fields: Record<string, unknown> }[] {
  return all.map((stats) => stats.line());
}

function writeSummary(): void {
  jsonLines();
  // A worker runs the preload for every entry: its summary names only what it called.
  const worker = !isMainThread();
  for (const stats of all) {
    if (worker && stats.calls === 0) continue;
    const { text, fields } = stats.line();
    emit('trace', text, fields, { req: undefined });
  }
}
