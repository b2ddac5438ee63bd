// What stays the same between calls of one kind, for summary rows (recipes/summary.ts) and span
// names (otel/names.ts): a path with its numeric and UUID segments as `:id`, a statement with its
// literals as `?`. Linear in the text, which is cut first.

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
