// Secrets in SQL (docs/recipes.md, "Redaction"): the password a DDL statement sets, and the
// values a database error quotes from the query (a quoted text is kept only after a word that
// makes it an identifier, `relation "users"`; every other is a value and is redacted).
import { isNameChar, REDACTED } from './redact';

/** Words before a quoted value in a database error that make it an identifier, not a value. */
const IDENTIFIER_WORDS = new Set([
  'relation',
  'column',
  'table',
  'key',
  'constraint',
  'index',
  'function',
  'schema',
  'database',
  'sequence',
  'view',
  'trigger',
  'type',
  'role',
  'in',
  'near',
  'of',
  'procedure',
  'operator',
  'extension',
  'field',
  'collation',
  'domain',
  'encoding',
  'savepoint',
  'cursor',
  'statement',
  'portal',
  'user',
  'at',
]);

/**
 * A database error message with the values it quotes from the query redacted
 * (`invalid input syntax for type integer: "[redacted]"`, `value "[redacted]" is out of range`,
 * `Incorrect integer value: '[redacted]'`, `Duplicate entry '[redacted]' for key 'users.email'`):
 * a quoted text is kept only where the word before it names an identifier (`relation "users"`,
 * `column 'age'`, `near "SELEC"`). Unclosed quotes at the end (a cut message) are redacted.
 */
export function redactSqlError(message: string): string {
  let out = '';
  let copied = 0;
  const length = message.length;
  for (let i = 0; i < length; i++) {
    const code = message.charCodeAt(i);
    if (code !== 0x22 && code !== 0x27) continue;
    // An apostrophe inside a word (doesn't) is no quote.
    if (code === 0x27 && i > 0 && isNameChar(message.charCodeAt(i - 1)) && message.charCodeAt(i - 1) !== 0x2e) continue;
    let end = i + 1;
    while (end < length && message.charCodeAt(end) !== code) end++;
    const before = wordBefore(message, i);
    if (IDENTIFIER_WORDS.has(before)) {
      i = end;
      continue;
    }
    out += message.slice(copied, i + 1) + REDACTED + (end < length ? message[end] : '');
    copied = Math.min(end + 1, length);
    i = end;
  }
  return copied === 0 ? message : out + message.slice(copied);
}

/** The word before position `at` (spaces skipped, lower case); '' when a colon or nothing precedes. */
function wordBefore(text: string, at: number): string {
  let end = at;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  let start = end;
  const stop = Math.max(0, end - 32);
  while (start > stop && isNameChar(text.charCodeAt(start - 1)) && text.charCodeAt(start - 1) !== 0x2e) start--;
  return text.slice(start, end).toLowerCase();
}

/** A statement with the password it sets redacted: `PASSWORD '[redacted]'`, `IDENTIFIED BY '[redacted]'`, `SECRET '[redacted]'`. */
export function redactSqlPasswords(sql: string): string {
  return sql.replace(/\b(PASSWORD|IDENTIFIED\s+BY|SECRET)\s*(=\s*)?('(?:[^']|'')*'|"(?:[^"]|"")*")/gi, "$1 $2'[redacted]'");
}
