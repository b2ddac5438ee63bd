// Recipe summaries (WRAPT_TRACE_SUMMARY=1, config "traceSummary": true): at exit, one line per
// kind of event, counting every event:
//
//   wrapt-hooks: http summary in GET /users/:id calls=12 errors=1 p50=1.1ms p95=3.0ms max=4.2ms
//   wrapt-hooks: sql summary SELECT name FROM users WHERE id = ? calls=3 errors=0 p50=…
//   wrapt-hooks: child_process summary git calls=2 errors=0 p50=…
//
// Keys are what stays the same between calls of one kind: the route (else the path with its
// numeric and UUID segments as `:id`), the statement with its literals as `?`, the command's
// name. Memory stays bounded whatever a service sees: each table holds at most MAX_KEYS keys
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^\d+$/;

/** A path without its query, numeric and UUID segments as `:id`: `/users/3?x=1` -> `/users/:id`. */
export function pathKey(path: string): string {
  const end = path.search(/[?#]/);
  const bare = end === -1 ? path : path.slice(0, end);
  return bare
    .split('/')
    .map((segment) => (NUMBER.test(segment) || UUID.test(segment) ? ':id' : segment))
    .join('/');
}

/**
 * A statement with its literals as `?`: quoted strings ('…', with '' and \' inside) and numbers
 * that are not part of a name or a placeholder ($1, :name). One pass over at most `limit`
 * characters (a key is cut shorter than that anyway; a literal cut there is still a literal).
 */
export function statementKey(statement: string, limit = 4096): string {
  const sql = statement.length > limit ? statement.slice(0, limit) : statement;
  const parts: string[] = [];
  let copied = 0;
  const literal = (from: number, to: number): void => {
    parts.push(sql.slice(copied, from), '?');
    copied = to;
  };
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'") {
      // A string literal, to its closing quote ('' and backslash escapes stay inside).
      const from = i++;
      while (i < n) {
        const d = sql[i]!;
        if (d === '\\') i += 2;
        else if (d === "'" && sql[i + 1] === "'") i += 2;
        else if (d === "'") break;
        else i++;
      }
      i = Math.min(i + 1, n);
      literal(from, i);
    } else if (c === '"' || c === '`') {
      // A quoted name: kept as written.
      const close = sql.indexOf(c, i + 1);
      i = close === -1 ? n : close + 1;
    } else if (isDigit(c) && !isWordChar(sql[i - 1])) {
      // A number (12, 1.5, 0x1F, 1e3); the digits of a name or a placeholder ($1) are passed over below.
      const from = i++;
      while (i < n && (isWordChar(sql[i]) || (sql[i] === '.' && isDigit(sql[i + 1])))) i++;
      literal(from, i);
    } else if (isWordChar(c) || c === '$') {
      // A name or a placeholder: passed over whole, so that the digits in it stay.
      i++;
      while (i < n && isWordChar(sql[i])) i++;
    } else i++;
  }
  parts.push(sql.slice(copied));
  return parts.join('');
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c > '\u007f');
}
