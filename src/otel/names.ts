// What a trace or recipe event is called as an OpenTelemetry span, and its attributes, by
// OpenTelemetry's semantic conventions (docs/opentelemetry.md has the table): pure functions
// of the event's fields, the same fields a JSON line carries, so that a span says what the line
// says and nothing more (the values are already redacted as the line's are).
import { pathKey } from '../trace/keys';

/** OpenTelemetry's SpanKind values (the API's enum, which this leaf does not import). */
export const KIND = Object.freeze({ internal: 0, server: 1, client: 2 });

export type Attributes = Record<string, string | number | boolean>;

export interface SpanShape {
  readonly name: string;
  readonly kind: number;
  readonly attributes: Attributes;
  /** Set when the event is a failure: the status description (`ECONNREFUSED`, `500`, the error). */
  readonly error?: string | undefined;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** A recipe event's span, from its JSON fields; undefined for what is not an event (summaries). */
export function eventShape(source: string, fields: Readonly<Record<string, unknown>>): SpanShape | undefined {
  if (fields['summary'] === true) return undefined;
  switch (source) {
    case 'http':
      return fields['event'] === 'in' ? incoming(fields) : outgoing(fields);
    case 'sql':
      return sqlShape(fields);
    case 'child_process':
      return childShape(fields);
    case 'redis':
      return redisShape(fields);
    default:
      return otherShape(source, fields);
  }
}

/** `GET /users/:id`: by the framework's route when one matched, else the path with ids as `:id` (as the summary keys it). */
function incoming(fields: Readonly<Record<string, unknown>>): SpanShape {
  const method = str(fields['method']) ?? 'GET';
  const route = str(fields['route']);
  const path = str(fields['path']) ?? '';
  const attributes: Attributes = { 'http.request.method': method };
  const at = path.indexOf('?');
  attributes['url.path'] = at === -1 ? path : path.slice(0, at);
  if (at !== -1) attributes['url.query'] = path.slice(at + 1);
  if (route !== undefined) attributes['http.route'] = route;
  const status = num(fields['status']);
  if (status !== undefined) attributes['http.response.status_code'] = status;
  const aborted = fields['aborted'] === true;
  const error = aborted ? 'aborted' : status !== undefined && status >= 500 ? String(status) : undefined;
  if (error !== undefined) attributes['error.type'] = error;
  return { name: `${method} ${route ?? (pathKey(path) || '/')}`, kind: KIND.server, attributes, error };
}

/** `GET`: an outgoing request is named by its method alone (its URL is an attribute). */
function outgoing(fields: Readonly<Record<string, unknown>>): SpanShape {
  const method = str(fields['method']) ?? 'GET';
  const attributes: Attributes = { 'http.request.method': method };
  const url = str(fields['url']);
  if (url !== undefined) {
    attributes['url.full'] = url;
    const server = serverOf(url);
    if (server !== undefined) {
      attributes['server.address'] = server.address;
      if (server.port !== undefined) attributes['server.port'] = server.port;
    }
  }
  const status = num(fields['status']);
  if (status !== undefined) attributes['http.response.status_code'] = status;
  const failure = str(fields['error']);
  const error = failure ?? (status !== undefined && status >= 400 ? String(status) : undefined);
  if (error !== undefined) attributes['error.type'] = error;
  return { name: method, kind: KIND.client, attributes, error };
}

function serverOf(url: string): { address: string; port?: number } | undefined {
  try {
    const parsed = new URL(url);
    const address = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
    if (address === '') return undefined;
    const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : parsed.protocol === 'http:' ? 80 : undefined) : Number(parsed.port);
    return port === undefined ? { address } : { address, port };
  } catch {
    return undefined;
  }
}

/** The `db.system.name` of each driver the sql recipe knows. */
const DB_SYSTEM: Readonly<Record<string, string>> = Object.freeze({
  pg: 'postgresql',
  mysql2: 'mysql',
  'better-sqlite3': 'sqlite',
  'node:sqlite': 'sqlite',
  sqlite: 'sqlite',
});

/** `SELECT orders`: the operation and the table it names first, as the conventions name a query. */
function sqlShape(fields: Readonly<Record<string, unknown>>): SpanShape {
  const sql = str(fields['sql']) ?? '';
  const driver = str(fields['driver']) ?? '';
  const attributes: Attributes = { 'db.system.name': DB_SYSTEM[driver] ?? (driver === '' ? 'other_sql' : driver), 'db.query.text': sql };
  const { operation, table } = sqlSummary(sql);
  if (operation !== undefined) attributes['db.operation.name'] = operation;
  if (table !== undefined) attributes['db.collection.name'] = table;
  const rows = num(fields['rows']);
  if (rows !== undefined) attributes['db.response.returned_rows'] = rows;
  const error = str(fields['error']);
  if (error !== undefined) attributes['error.type'] = errorType(error);
  const name = operation === undefined ? (DB_SYSTEM[driver] ?? 'sql') : table === undefined ? operation : `${operation} ${table}`;
  return { name, kind: KIND.client, attributes, error };
}

const TABLE_AFTER: Readonly<Record<string, string>> = Object.freeze({
  SELECT: 'FROM',
  DELETE: 'FROM',
  INSERT: 'INTO',
  REPLACE: 'INTO',
  UPDATE: '',
  MERGE: 'INTO',
});

/**
 * The operation (first keyword) and the table of a statement: after FROM for SELECT/DELETE,
 * INTO for INSERT, the next word for UPDATE. Reads at most the first 64 words: linear, and a
 * long statement costs no more than a short one.
 */
export function sqlSummary(sql: string): { operation?: string; table?: string } {
  const words =
    sql
      .slice(0, 2000)
      .match(/[A-Za-z_][\w$.]*|"[^"]*"|`[^`]*`/g)
      ?.slice(0, 64) ?? [];
  const first = words[0];
  if (first === undefined) return {};
  const operation = first.toUpperCase();
  const after = TABLE_AFTER[operation];
  if (after === undefined) return { operation };
  const at = after === '' ? 1 : words.findIndex((word, i) => i > 0 && word.toUpperCase() === after) + 1;
  const table = at > 0 ? words[at] : undefined;
  return table === undefined ? { operation } : { operation, table: table.replace(/^["`]|["`]$/g, '') };
}

function errorType(text: string): string {
  const match = /^([A-Za-z_$][\w$]*)(?: \[([\w.-]+)\])?:/.exec(text);
  return match === null ? '_OTHER' : (match[2] ?? match[1]!);
}

/** The command's name (`ls`, also for `/bin/ls`), the whole command line (redacted as the line shows it), the exit code. */
function childShape(fields: Readonly<Record<string, unknown>>): SpanShape {
  const line = str(fields['command']) ?? '';
  const command = line.trim().split(/\s+/, 1)[0] ?? '';
  const attributes: Attributes = { 'process.command': command, 'process.command_line': line };
  const fn = str(fields['fn']);
  if (fn !== undefined) attributes['code.function.name'] = `child_process.${fn}`;
  const code = num(fields['code']) ?? num(fields['exit']);
  if (code !== undefined) attributes['process.exit.code'] = code;
  const signal = str(fields['signal']);
  const failure = str(fields['error']);
  const error = failure ?? signal ?? (code !== undefined && code !== 0 ? `exit ${code}` : undefined);
  if (error !== undefined) attributes['error.type'] = failure !== undefined ? errorType(failure) : (signal ?? String(code));
  const name = command.slice(command.lastIndexOf('/') + 1);
  return { name: name === '' ? 'child_process' : name, kind: KIND.internal, attributes, error };
}

/** `GET`: a redis command; its text as the line shows it (the key; values only as their count and size). */
function redisShape(fields: Readonly<Record<string, unknown>>): SpanShape {
  const line = str(fields['command']) ?? '';
  const operation = (line.split(' ', 1)[0] ?? '').toUpperCase();
  const attributes: Attributes = { 'db.system.name': 'redis', 'db.query.text': line };
  if (operation !== '') attributes['db.operation.name'] = operation;
  const error = str(fields['error']);
  // A redis error starts with its kind: `WRONGTYPE Operation against a key …`, `NOAUTH …`.
  if (error !== undefined) attributes['error.type'] = /^[A-Z][A-Z_]+\b/.exec(error)?.[0] ?? errorType(error);
  return { name: operation === '' ? 'redis' : operation, kind: KIND.client, attributes, error };
}

/** Any other recipe (`tempfile created`): its scalar fields as `wrapt_hooks.<recipe>.<field>`. */
function otherShape(source: string, fields: Readonly<Record<string, unknown>>): SpanShape {
  const event = str(fields['event']);
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'recipe' || key === 'event' || key === 'ms') continue;
    if (typeof value === 'string' || typeof value === 'boolean' || num(value) !== undefined)
      attributes[`wrapt_hooks.${source}.${key}`] = value as string | number | boolean;
  }
  if (source === 'tempfile' && typeof fields['path'] === 'string') attributes['file.path'] = fields['path'];
  const error = str(fields['error']);
  return { name: event === undefined ? source : `${source} ${event}`, kind: KIND.internal, attributes, error };
}

/** A traced call's span: named by the entry (`greeter#shout`). */
export function callShape(label: string): SpanShape {
  return { name: label, kind: KIND.internal, attributes: { 'code.function.name': label } };
}

// ---- W3C trace context -------------------------------------------------------------------------

export interface TraceParent {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * An incoming `traceparent` header (W3C Trace Context): undefined when it is missing or invalid
 * (version ff, an all-zero id, a future version's extra fields are allowed as the standard says).
 */
export function parseTraceparent(header: unknown): TraceParent | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) & 0xff };
}

/** The `traceparent` header for a span context. */
export function formatTraceparent(context: TraceParent): string {
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
