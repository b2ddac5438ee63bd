// Recipe summaries (WRAPT_TRACE_SUMMARY=1, config "traceSummary": true): at exit, one line per
// kind of event, counting every event:
//
//   wrapt-hooks: http summary in GET /users/:id calls=12 errors=1 p50=1.1ms p95=3.0ms max=4.2ms
//   wrapt-hooks: sql summary SELECT name FROM users WHERE id = ? calls=3 errors=0 p50=…
//   wrapt-hooks: child_process summary git calls=2 errors=0 p50=…
//
// Keys are what stays the same between calls of one kind: the route (else the path with its
// numeric and UUID segments as `:id`), the statement with its literals as `?` (trace/keys.ts),
// the command's name. Memory stays bounded whatever a service sees: each table holds at most MAX_KEYS keys
// (each at most MAX_KEY characters, with at most KEEP durations for its percentiles); events of a
// key that finds the table full are counted on one line of their own, which says so.
import { emit, jsonLines } from '../trace/output';
import { Stats } from '../trace/summary';

export const MAX_KEYS = 500;
const MAX_KEY = 300;
const KEEP = 1_000;

let on = false;
const tables = new Map<string, SummaryTable>();

/** Turns recipe summaries on (the bootstrap, when WRAPT_TRACE_SUMMARY or "traceSummary" is on). */
export function summariesOn(): void {
  on = true;
}

/** The summary table of `recipe`, or undefined while summaries are off (nothing is counted then). */
export function summaryOf(recipe: string): SummaryTable | undefined {
  if (!on) return undefined;
  let table = tables.get(recipe);
  if (table === undefined) {
    if (tables.size === 0) process.on('exit', writeSummaries);
    table = new SummaryTable(recipe, MAX_KEYS);
    tables.set(recipe, table);
  }
  return table;
}

export class SummaryTable {
  private readonly byKey = new Map<string, Stats>();
  private other: Stats | undefined;

  constructor(
    readonly recipe: string,
    private readonly maxKeys: number,
  ) {}

  /** One event of kind `key` that took `ms`; `failed` for an error (or an error status). */
  record(key: string, ms: number, failed: boolean): void {
    const text = key.length > MAX_KEY ? `${key.slice(0, MAX_KEY)}…` : key;
    let stats = this.byKey.get(text);
    if (stats === undefined) {
      if (this.byKey.size >= this.maxKeys) stats = this.other ??= new Stats(`(other: past ${this.maxKeys} distinct, folded)`, KEEP);
      else this.byKey.set(text, (stats = new Stats(text, KEEP)));
    }
    stats.call();
    stats.done(ms, failed);
  }

  /** The lines, in the order keys were first seen; the folded events last. */
  lines(): { text: string; fields: Record<string, unknown> }[] {
    const all = [...this.byKey.values()];
    if (this.other !== undefined) all.push(this.other);
    return all.map((stats) => {
      const { text, fields } = stats.line();
      const { fn, ...rest } = fields;
      return { text, fields: { ...rest, recipe: this.recipe, key: stats === this.other ? null : fn, ...(stats === this.other ? { folded: true } : {}) } };
    });
  }
}

function writeSummaries(): void {
  jsonLines();
  for (const table of tables.values()) {
    for (const { text, fields } of table.lines()) emit(table.recipe, text, fields, { req: undefined });
  }
}
