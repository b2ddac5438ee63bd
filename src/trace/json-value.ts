// Trace values for a JSON line (WRAPT_TRACE_FORMAT=json): plain data (numbers, short strings,
// booleans, null, and small arrays and plain objects of them) stays a JSON value, read through
// property descriptors so that no getter or proxy trap runs, with secrets redacted as in a text
// line; anything else is the inspected string of format.ts.
import { DEFAULT_LIMITS, format, MAX_STRING, utilTypes, type Limits } from './format';
import { isSecretName, REDACTED, redactText } from './redact';

/** Each argument for a JSON line: a JSON value where it is plain data (jsonValue), else inspected. */
export function formatArgList(args: readonly unknown[], limits: Limits = DEFAULT_LIMITS): unknown[] {
  return args.map((arg) => jsonValue(arg, limits));
}

/**
 * A value for a JSON line: itself when it is plain data within the line's limits (a number, a
 * string up to maxString characters, a boolean, null, and arrays and plain objects of them,
 * nested no deeper and no longer than inspect would show them), with the string under a
 * secret-looking key (and every string in a container under one) redacted and strings read by
 * redactText; anything else is its inspected string (format). No getter or proxy trap runs.
 */
export function jsonValue(value: unknown, limits: Limits = DEFAULT_LIMITS): unknown {
  try {
    const budget = { left: limits.value };
    const plain = plainData(value, limits, 0, false, budget);
    if (plain !== NOT_PLAIN) return plain;
  } catch {
    // a value that cannot be read plainly is inspected
  }
  return format(value, limits);
}

const NOT_PLAIN = Symbol('not plain');

function plainData(value: unknown, limits: Limits, depth: number, secret: boolean, budget: { left: number }): unknown {
  if (value === null || typeof value === 'boolean') return spend(budget, 5) ? value : NOT_PLAIN;
  if (typeof value === 'number') return Number.isFinite(value) && spend(budget, 8) ? value : NOT_PLAIN;
  if (typeof value === 'string') {
    const max = (limits.inspect['maxStringLength'] as number | undefined) ?? MAX_STRING;
    if (value.length > max || !spend(budget, value.length + 2)) return NOT_PLAIN;
    return secret ? REDACTED : redactText(value);
  }
  if (typeof value !== 'object') return NOT_PLAIN;
  if (utilTypes().isProxy(value) || depth > ((limits.inspect['depth'] as number | undefined) ?? 1)) return NOT_PLAIN;
  const maxItems = (limits.inspect['maxArrayLength'] as number | undefined) ?? 5;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || value.length > maxItems || !spend(budget, 2)) return NOT_PLAIN;
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const descriptor = Object.getOwnPropertyDescriptor(value, i);
      if (descriptor === undefined || !('value' in descriptor)) return NOT_PLAIN;
      const item = plainData(descriptor.value, limits, depth + 1, secret, budget);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out.push(item);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  if (Object.getOwnPropertySymbols(value).length > 0 || !spend(budget, 2)) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!spend(budget, key.length + 4)) return NOT_PLAIN;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !('value' in descriptor)) return NOT_PLAIN;
    const item = plainData(descriptor.value, limits, depth + 1, secret || isSecretName(key), budget);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    out[key] = item;
  }
  return out;
}

/**
 * A settled promise's value for a JSON line, from its inspected text (a promise's value is read
 * without adding a handler to it): a number, boolean or null, or a string inspect printed whole
 * and without escapes, as that JSON value; anything else stays the inspected text.
 */
export function settledValue(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (/^-?\d{1,15}(?:\.\d{1,15})?$/.test(text)) return Number(text);
  const quote = text.charCodeAt(0);
  if (text.length >= 2 && (quote === 0x27 || quote === 0x22) && text.charCodeAt(text.length - 1) === quote) {
    const body = text.slice(1, -1);
    if (!body.includes('\\') && !body.includes(text[0]!)) return body;
  }
  return text;
}

/** Takes `cost` characters from the line's room; false when there is not enough left. */
function spend(budget: { left: number }, cost: number): boolean {
  budget.left -= cost;
  return budget.left >= 0;
}
