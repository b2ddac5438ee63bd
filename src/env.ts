// The environment variables wrapt-hooks reads, parsed in one place: on/off flags and
// comma-separated lists. A leaf: it imports nothing.

export type Env = Record<string, string | undefined>;

/**
 * Is the flag on? Unset, empty, `0`, `false`, `no` and `off` are off (any case, spaces ignored);
 * anything else is on.
 */
export function flag(value: string | undefined): boolean {
  if (value === undefined) return false;
  const text = value.trim().toLowerCase();
  return text !== '' && text !== '0' && text !== 'false' && text !== 'no' && text !== 'off';
}

/** A comma-separated list: items trimmed, empty items dropped. */
export function list(value: string | undefined): string[] {
  if (value === undefined) return [];
  const items: string[] = [];
  for (const item of value.split(',')) {
    const trimmed = item.trim();
    if (trimmed !== '') items.push(trimmed);
  }
  return items;
}

/** `WRAPT_TRACE_FORMAT`: `json` (any case, spaces ignored) is one JSON object per line; anything else is text. */
export function jsonFormat(value: string | undefined): boolean {
  return (value ?? '').trim().toLowerCase() === 'json';
}

/** A path setting (`WRAPT_TRACE_FILE`): undefined when unset or blank. */
export function pathSetting(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** `WRAPT_HOOKS_DISABLE`: `1`/`all`/`true`/`*` turn everything off; otherwise a list of targets (or nothing). */
export function disableSetting(value: string | undefined): 'all' | string[] | undefined {
  if (!flag(value)) return undefined;
  const text = (value as string).trim().toLowerCase();
  if (text === '1' || text === 'all' || text === 'true' || text === '*' || text === 'yes' || text === 'on') return 'all';
  return list(value);
}

/**
 * `WRAPT_TRACE_EXPORT`: `otel` (any case) turns OpenTelemetry export on; unset or empty leaves
 * it to the config; anything else is a mistake, returned as the value read.
 */
export function exportSetting(value: string | undefined): 'otel' | undefined | { invalid: string } {
  if (value === undefined) return undefined;
  const text = value.trim().toLowerCase();
  if (text === '') return undefined;
  return text === 'otel' ? 'otel' : { invalid: value };
}

export type PrefixField = 'time' | 'pid' | 'tid';

/**
 * `WRAPT_TRACE_PREFIX=time,pid,tid` (any subset, any order, any case): the fields asked for, in
 * the order lines show them (time, pid, tid), and the items that are none of them (a warning).
 */
export function prefixSetting(value: string | undefined): { fields: PrefixField[]; unknown: string[] } {
  const order: PrefixField[] = ['time', 'pid', 'tid'];
  const asked = new Set<string>();
  const unknown: string[] = [];
  for (const item of list(value)) {
    const name = item.toLowerCase();
    if ((order as string[]).includes(name)) asked.add(name);
    else unknown.push(item);
  }
  return { fields: order.filter((field) => asked.has(field)), unknown };
}
