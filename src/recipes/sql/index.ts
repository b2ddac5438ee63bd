// The sql recipe: one line per query with its full SQL text (whitespace collapsed), how many
// parameters it had (never their values), rows or changes or the error, and the time:
//
//   wrapt-hooks: sql SELECT qty FROM orders WHERE user_id = ? [1 param] -> 3 rows 0.93ms
//
// Drivers: node:sqlite (DatabaseSync, StatementSync), better-sqlite3, pg and mysql2. A driver's
// callback is wrapped (called with the same arguments and `this`); a driver's own promise is
// observed by returning the promise of a `then` on it, which settles the same way one tick
// later (the driver makes a new promise per query, so no caller can tell them apart); an
// event-emitting query (mysql2 without a callback) is observed through its own `emit`, so no
// 'error' listener is added. The SQL is taken before a driver interpolates values into it.
import { emit } from '../../trace/output';
import { describeError, msSince } from '../../trace/format';
import { redactSqlError, redactSqlPasswords } from '../../trace/redact-sql';
import { wrapFunctionWrapper } from '../../wrap/patches';
import { isWrapped } from '../../wrap/wrappers';
import type { Wrapper } from '../../types';
import { statementKey } from '../../trace/keys';
import { summaryOf } from '../summary';

interface Query {
  readonly driver: string;
  readonly sql: string;
  readonly params: number;
  readonly start: bigint;
}

/** Collapsed SQL by its text: a prepared statement runs the same text many times. */
const collapsed = new Map<string, string>();

/** `SELECT  a\n FROM t` -> `SELECT a FROM t`; quoted passwords in DDL redacted. */
export function collapseSql(sql: string): string {
  let text = collapsed.get(sql);
  if (text === undefined) {
    if (collapsed.size >= 1000) collapsed.clear();
    text = collapseSqlText(sql);
    collapsed.set(sql, text);
  }
  return text;
}

function collapseSqlText(sql: string): string {
  return redactSqlPasswords(sql.replace(/\s+/g, ' ').trim());
}

/** Parameters given to a query: positional ones, plus the keys of a named-parameter object. */
export function countParams(values: readonly unknown[]): number {
  let count = 0;
  for (const value of values) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof Date))
      count += Object.keys(value).length;
    else count += 1;
  }
  return count;
}

function begin(driver: string, sql: unknown, params: number): Query {
  return { driver, sql: typeof sql === 'string' ? collapseSql(sql) : '<unknown SQL>', params, start: process.hrtime.bigint() };
}

/** Rows or changes in a driver's result: arrays are rows; an object's affected/changes count. */
function outcome(result: unknown): { text: string; rows?: number; changes?: number } {
  if (Array.isArray(result)) return { text: `${result.length} row${result.length === 1 ? '' : 's'}`, rows: result.length };
  if (result !== null && typeof result === 'object') {
    const record = result as Record<string, unknown>;
    if (Array.isArray(record['rows'])) {
      // pg: rowCount is what an INSERT/UPDATE/DELETE/MERGE changed (null after DDL); rows what came back.
      const rowCount = record['rowCount'];
      if (typeof rowCount === 'number' && /^(INSERT|UPDATE|DELETE|MERGE)$/.test(String(record['command'])) && record['rows'].length === 0) {
        return { text: `${rowCount} change${rowCount === 1 ? '' : 's'}`, changes: rowCount };
      }
      if (rowCount === null && record['rows'].length === 0) return { text: 'done' };
      const rows = record['rows'].length;
      return { text: `${rows} row${rows === 1 ? '' : 's'}`, rows };
    }
    for (const key of ['changes', 'affectedRows']) {
      const value = record[key];
      if (typeof value === 'number' || typeof value === 'bigint')
        return { text: `${String(value)} change${value === 1 || value === 1n ? '' : 's'}`, changes: Number(value) };
    }
  }
  return result === undefined ? { text: 'done' } : { text: '1 row', rows: 1 };
}

/**
 * A driver's error without the values it quotes from the query (`Duplicate entry '[redacted]'
 * for key 'users.email'`, `invalid input syntax for type integer: "[redacted]"`): parameter
 * values are never printed (trace/redact-sql.ts keeps only quoted identifiers).
 */
export function sqlError(error: unknown): string {
  return redactSqlError(describeError(error));
}

/** DDL and transaction control: statements that return no rows and change none (`-> done`). */
const DEFINES = new Set(['CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'GRANT', 'REVOKE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'COMMENT']);

function definesOnly(sql: string): boolean {
  const space = sql.indexOf(' ');
  return DEFINES.has((space < 0 ? sql : sql.slice(0, space)).replace(/;$/, '').toUpperCase());
}

function end(query: Query, result: unknown, error: unknown, failed: boolean): void {
  const ms = msSince(query.start);
  const params = `[${query.params} param${query.params === 1 ? '' : 's'}]`;
  const got = failed ? { text: `error ${sqlError(error)}` } : definesOnly(query.sql) && !Array.isArray(result) ? { text: 'done' } : outcome(result);
  const fields: Record<string, unknown> = { recipe: 'sql', driver: query.driver, sql: query.sql, params: query.params, ms };
  if (failed) fields['error'] = sqlError(error);
  else if (got.rows !== undefined) fields['rows'] = got.rows;
  else if (got.changes !== undefined) fields['changes'] = got.changes;
  emit('sql', `${query.sql} ${params} -> ${got.text} ${ms.toFixed(ms < 10 ? 2 : 1)}ms`, fields);
  summaryOf('sql')?.record(statementKey(query.sql), ms, failed);
}

/** A statement's `exec` (DDL, several statements): no rows to count, its line says `done`. */
const noRows = (): undefined => undefined;

/**
 * Prepares a statement: a statement that fails here (a syntax error, a missing table) gets its
 * line with the error, like one that fails when it runs; a prepared one writes nothing yet.
 */
function prepare(driver: string, sql: unknown, call: () => unknown): unknown {
  const query = begin(driver, sql, 0);
  try {
    return call();
  } catch (error) {
    end(query, undefined, error, true);
    throw error; // wrapt-hooks sql recipe: rethrowing, unchanged, what the driver threw
  }
}

/** Runs a synchronous query call, writing its line; returns or throws exactly what it did. */
function sync(query: Query, call: () => unknown, describe: (result: unknown) => unknown = (r) => r): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    end(query, undefined, error, true);
    throw error; // wrapt-hooks sql recipe: rethrowing, unchanged, what the driver threw
  }
  end(query, describe(result), undefined, false);
  return result;
}

/** A callback that writes the query's line, then calls `callback` as the driver would have. */
function wrapCallback(query: Query, callback: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return function (this: unknown, ...args: unknown[]) {
    end(query, args[1], args[0], args[0] !== null && args[0] !== undefined);
    return callback.apply(this, args);
  };
}

function thenable(value: unknown): value is Promise<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

function once(target: object, path: string, wrapper: Wrapper): void {
  const holder = target as Record<string, unknown>;
  if (typeof holder[path] === 'function' && !isWrapped(holder[path])) wrapFunctionWrapper(target, path, wrapper);
}

// ---- node:sqlite ------------------------------------------------------------------------------

interface SqliteModule {
  DatabaseSync?: { prototype: object };
  StatementSync?: { prototype: object };
}

export function patchNodeSqlite(sqlite: SqliteModule): void {
  if (sqlite.DatabaseSync !== undefined) {
    once(sqlite.DatabaseSync.prototype, 'exec', (wrapped, _db, args) => sync(begin('node:sqlite', args[0], 0), () => wrapped(...args), noRows));
    once(sqlite.DatabaseSync.prototype, 'prepare', (wrapped, _db, args) => prepare('node:sqlite', args[0], () => wrapped(...args)));
  }
  if (sqlite.StatementSync !== undefined) patchStatements(sqlite.StatementSync.prototype, 'node:sqlite', 'sourceSQL');
}

/** run/get/all/iterate of a statement class whose SQL text is the property `sqlKey`. */
function patchStatements(proto: object, driver: string, sqlKey: string): void {
  const rowsOf: Record<string, (result: unknown) => unknown> = {
    run: (result) => result,
    get: (result) => (result === undefined ? [] : [result]),
    all: (result) => result,
    iterate: () => undefined,
  };
  for (const method of Object.keys(rowsOf)) {
    once(proto, method, (wrapped, statement, args) => {
      const sql = (statement as Record<string, unknown> | undefined)?.[sqlKey];
      return sync(begin(driver, sql, countParams(args)), () => wrapped(...args), rowsOf[method]);
    });
  }
}

// ---- better-sqlite3 ---------------------------------------------------------------------------

interface BetterSqlite {
  prototype: object;
}

export function patchBetterSqlite3(Database: BetterSqlite): void {
  const seen = new WeakSet<object>();
  once(Database.prototype, 'exec', (wrapped, _db, args) => sync(begin('better-sqlite3', args[0], 0), () => wrapped(...args), noRows));
  // Its Statement class is not exported: its prototype is patched when the first statement is made.
  once(Database.prototype, 'prepare', (wrapped, _db, args) => {
    const statement = prepare('better-sqlite3', args[0], () => wrapped(...args));
    const proto = statement !== null && typeof statement === 'object' ? (Object.getPrototypeOf(statement) as object | null) : null;
    if (proto !== null && !seen.has(proto)) {
      seen.add(proto);
      patchStatements(proto, 'better-sqlite3', 'source');
    }
    return statement;
  });
}

// ---- pg -----------------------------------------------------------------------------------------

interface PgModule {
  Client?: { prototype: object };
}

export function patchPg(pg: PgModule): void {
  if (pg.Client === undefined) return;
  once(pg.Client.prototype, 'query', (wrapped, _client, args) => {
    const [config, values] = args as [unknown, unknown, unknown];
    const record = config !== null && typeof config === 'object' ? (config as Record<string, unknown>) : undefined;
    const text = typeof config === 'string' ? config : record?.['text'];
    const list = Array.isArray(values) ? values : Array.isArray(record?.['values']) ? (record['values'] as unknown[]) : [];
    const query = begin('pg', text, list.length);
    const at = args.findIndex((arg, index) => index > 0 && typeof arg === 'function');
    if (at !== -1) {
      args[at] = wrapCallback(query, args[at] as (...a: unknown[]) => unknown);
      return wrapped(...args);
    }
    const result = wrapped(...args);
    if (typeof record?.['submit'] === 'function') {
      // A submittable (pg-cursor, a Query object): its callback, if any, reports the outcome.
      const submittable = record as { callback?: unknown };
      if (typeof submittable.callback === 'function') submittable.callback = wrapCallback(query, submittable.callback as (...a: unknown[]) => unknown);
      return result;
    }
    if (!thenable(result)) return result;
    return result.then(
      (value) => {
        end(query, value, undefined, false);
        return value;
      },
      (error: unknown) => {
        end(query, undefined, error, true);
        throw error; // wrapt-hooks sql recipe: the driver's rejection, unchanged
      },
    );
  });
}

// ---- mysql2 -------------------------------------------------------------------------------------

type Mysql2Connection = { prototype: object } | { Connection?: { prototype: object } };

/** Patch for `mysql2/lib/connection.js` (the Connection class, used by `mysql2` and `mysql2/promise`) or `mysql2`. */
export function patchMysql2(exports: Mysql2Connection): void {
  const Connection = typeof exports === 'function' ? (exports as { prototype: object }) : (exports as { Connection?: { prototype: object } }).Connection;
  if (Connection === undefined) return;
  for (const method of ['query', 'execute']) once(Connection.prototype, method, mysqlWrapper);
}

const mysqlWrapper: Wrapper = (wrapped, _connection, args) => {
  const [sql, values] = args as [unknown, unknown];
  const record = sql !== null && typeof sql === 'object' ? (sql as Record<string, unknown>) : undefined;
  const text = typeof sql === 'string' ? sql : record?.['sql'];
  const given = Array.isArray(values) || (values !== null && typeof values === 'object') ? values : record?.['values'];
  const query = begin('mysql2', text, given === undefined || given === null ? 0 : countParams(Array.isArray(given) ? given : [given]));
  if (record !== undefined && typeof record['onResult'] === 'function') {
    // A command made by a pool (`pool.query`): its callback is the command's onResult.
    record['onResult'] = wrapCallback(query, record['onResult'] as (...a: unknown[]) => unknown);
    return wrapped(...args);
  }
  const at = args.findIndex((arg, index) => index > 0 && typeof arg === 'function');
  if (at !== -1) {
    args[at] = wrapCallback(query, args[at] as (...a: unknown[]) => unknown);
    return wrapped(...args);
  }
  const command = wrapped(...args);
  if (command !== null && typeof command === 'object' && typeof (command as { emit?: unknown }).emit === 'function')
    observeEmitter(query, command as { emit: (...a: unknown[]) => boolean });
  return command;
};

/** A query without a callback reports through events: observed on its own `emit`, adding no listener. */
function observeEmitter(query: Query, emitter: { emit: (...a: unknown[]) => boolean }): void {
  const original = emitter.emit;
  let rows = 0;
  let reported = false;
  emitter.emit = function (this: unknown, ...args: unknown[]) {
    if (args[0] === 'result') rows++;
    else if (!reported && (args[0] === 'end' || args[0] === 'error')) {
      reported = true;
      end(query, args[0] === 'end' ? new Array(rows) : undefined, args[1], args[0] === 'error');
    }
    return original.apply(this, args);
  };
}
