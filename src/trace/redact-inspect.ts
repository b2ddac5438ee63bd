// Secrets in util.inspect output (docs/recipes.md, "Redaction"): one pass over the text, each
// string literal found by its quotes, the text between literals and inside each one read by
// redactText, and a literal (or every literal of a container) under a secret-looking key
// replaced whole. Linear in the text, which callers cut to what the line shows first.
import { isNameChar, isSecretName, NAME_LIMIT, REDACTED, redactText } from './redact';

/** Where a string literal in util.inspect output that starts at `start` ends (after its quote; `length` when cut). */
function literalEnd(text: string, start: number): number {
  const quote = text.charCodeAt(start);
  const length = text.length;
  for (let i = start + 1; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c /* \ */) i++;
    else if (code === quote) return i + 1;
  }
  return length;
}

const MORE_CHARACTERS = '... ';

/** The length of inspect's `... 20 more characters` after a cut string at `at`, or 0. */
function moreCharacters(text: string, at: number): number {
  if (!text.startsWith(MORE_CHARACTERS, at)) return 0;
  let i = at + MORE_CHARACTERS.length;
  const digits = i;
  while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
  if (i === digits) return 0;
  for (const word of [' more characters', ' more character']) if (text.startsWith(word, i)) return i + word.length - at;
  return 0;
}

/** The name-run that ends at `end` (exclusive) in `text`, scanning back at most NAME_LIMIT characters. */
function nameBefore(text: string, end: number): string {
  let start = end;
  const stop = Math.max(0, end - NAME_LIMIT);
  while (start > stop && isNameChar(text.charCodeAt(start - 1))) start--;
  return text.slice(start, end);
}

/**
 * util.inspect output (one line, already cut to what the line shows) with secrets redacted: the
 * rules of redactText in the text between strings and inside each string, and the string under
 * a secret-looking key, every string of a container under one, and the string after a secret
 * header name in a list. `truncated`: the text was cut (a string may be open at its end).
 */
export function redactInspected(text: string, truncated = false): string {
  // Every rule needs a separator (`: `, ` => `, `, `) or `=`: a lone string or number (most
  // traced values) has none.
  if (!text.includes(':') && !text.includes('=') && !text.includes(',')) return text;
  let out = '';
  let depth = 0;
  /** The depth of the container under a secret key being read, or -1. */
  let secretDepth = -1;
  /** The last string literal's contents, when nothing but its separator follows it so far. */
  let lastLiteral: string | undefined;
  let plainStart = 0;
  const length = text.length;
  const flushPlain = (end: number): string => {
    const plain = text.slice(plainStart, end);
    out += redactText(plain);
    return plain;
  };
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5b || code === 0x7b) {
      depth++;
      // `key: [` / `key: {` under a secret-looking key: every string inside is redacted.
      if (secretDepth < 0 && keyBefore(text, plainStart, i, lastLiteral)) secretDepth = depth;
      continue;
    }
    if (code === 0x5d || code === 0x7d) {
      if (depth === secretDepth) secretDepth = -1;
      if (depth > 0) depth--;
      continue;
    }
    if (code !== 0x27 && code !== 0x22 && code !== 0x60) continue;
    const end = literalEnd(text, i);
    const secret = secretDepth >= 0 || keyBefore(text, plainStart, i, lastLiteral);
    flushPlain(i);
    const closed = end < length || text.charCodeAt(end - 1) === code;
    const body = text.slice(i + 1, closed && end - 1 > i ? end - 1 : end);
    const quote = text[i]!;
    if (secret) {
      out += `${quote}${REDACTED}${quote}`;
      const more = moreCharacters(text, end);
      plainStart = end + more;
      lastLiteral = undefined;
    } else {
      out += `${quote}${redactText(body, truncated && !closed)}${closed ? quote : ''}`;
      plainStart = end;
      lastLiteral = body;
    }
    i = plainStart - 1;
  }
  if (plainStart < length) out += redactText(text.slice(plainStart), truncated);
  return out;
}

/**
 * Is the value that starts at `at` under a secret-looking key? The text since the last string
 * (`from`..`at`) ends with `key: `, `key => ` (a name before it, or the last string as the
 * key), or is `, ` after a string that names a secret header (rawHeaders lists).
 */
function keyBefore(text: string, from: number, at: number, lastLiteral: string | undefined): boolean {
  let end = at;
  if (end > from && text.charCodeAt(end - 1) === 0x20) end--;
  if (end - from >= 3 && text.startsWith(' =>', end - 3)) end -= 3;
  else if (end > from && text.charCodeAt(end - 1) === 0x3a /* : */) end -= 1;
  else if (end > from && text.charCodeAt(end - 1) === 0x2c /* , */ && end - 1 === from) return lastLiteral !== undefined && isSecretName(lastLiteral);
  else return false;
  if (end === from) return lastLiteral !== undefined && isSecretName(lastLiteral);
  return isSecretName(nameBefore(text, end));
}
