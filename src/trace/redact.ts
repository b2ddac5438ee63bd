// Credentials never reach a line (docs/recipes.md, "Redaction"). Each function here reads its
// text once, left to right, and tests the names it meets against a word list: no pattern that
// can backtrack, so the work is linear in the text, and callers cut the text to the length a
// line shows before calling (a 1 MB value costs what its first few hundred characters cost).
//
// What is redacted:
// - URL user info of any scheme: `postgres://app:[redacted]@db` (the password may hold `@`: the
//   user info ends at the last `@` of the authority), `https://[redacted]@github.com` (a user
//   name alone is a token);
// - `name=value` where the name looks like a secret (query and form parameters, `--password=x`,
//   `PGPASSWORD=x`, `Password=x;` in connection strings);
// - `Name: value` header lines whose name looks like a secret (`Authorization: Bearer [redacted]`);
// - in util.inspect output: the string under a secret-looking key (`password: '[redacted]'`,
//   `'x-api-key': …`, Map entries `'token' => …`), every string inside an array or object under
//   such a key (`'set-cookie': [ … ]`), and the string after a secret header name in a flat
//   list (`rawHeaders`).

export const REDACTED = '[redacted]';

/** Parts of a name (lower case, letters and digits only) that make it a secret's name. */
const SECRET_PARTS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'authorization', 'authorisation', 'cookie', 'credential', 'privatekey'];
const SECRET_NAMES = new Set(['pass', 'pwd']);
/** Names of query and form parameters that hold a secret without saying so: `key`, `sig`, `auth`. */
const LOOSE_NAMES = new Set(['key', 'sig', 'signature', 'auth', 'code', 'jwt', 'session', 'sessionid', 'sid']);
/** A name longer than this is judged by its first characters (a 100 KB key costs no more). */
const NAME_LIMIT = 256;

/** The name in lower case, letters and digits only, at most NAME_LIMIT characters read. */
function normalise(name: string): string {
  let out = '';
  const end = Math.min(name.length, NAME_LIMIT);
  for (let i = 0; i < end; i++) {
    const code = name.charCodeAt(i) | 0x20;
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39 && name.charCodeAt(i) <= 0x39)) out += String.fromCharCode(code);
  }
  return out;
}

/**
 * Does `name` look like the name of a secret? `loose` (query and form parameters, `name=value`
 * assignments) also counts names ending in `key` and the short ones services use (`sig`, `auth`).
 */
export function isSecretName(name: string, loose = false): boolean {
  const n = normalise(name);
  if (n === '') return false;
  if (SECRET_NAMES.has(n)) return true;
  for (const part of SECRET_PARTS) if (n.includes(part)) return true;
  if (!loose) return false;
  return LOOSE_NAMES.has(n) || n.endsWith('key') || n.startsWith('auth') || n.endsWith('auth');
}

/** A secret-looking name before `: value`, but not an error's name (`TokenExpiredError: jwt expired`). */
function isHeaderName(name: string): boolean {
  const lower = name.slice(-9).toLowerCase();
  return !lower.endsWith('error') && !lower.endsWith('exception') && isSecretName(name);
}

/** Characters of a name in `name=value`, `name: value` and a URL's scheme. */
function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x5f || // _
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x24 || // $
    code === 0x2b // + (URL schemes such as git+ssh)
  );
}

/** Where an unquoted `name=value` value ends. */
function endsValue(code: number): boolean {
  return (
    code === 0x26 || // &
    code === 0x3b || // ;
    code === 0x23 || // #
    code === 0x27 || // '
    code === 0x22 || // "
    code === 0x60 || // `
    code === 0x2c || // ,
    code === 0x29 || // )
    code === 0x7d || // }
    code === 0x5d || // ]
    code === 0x3c || // <
    code === 0x3e || // >
    isSpace(code)
  );
}

/** Where a URL's authority ends (a password may hold `@` and `:`, not these). */
function endsAuthority(code: number): boolean {
  return code === 0x2f || code === 0x3f || code === 0x23 || code === 0x27 || code === 0x22 || code === 0x60 || code === 0x3c || code === 0x3e || isSpace(code);
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c || code === 0x0b;
}

/** An authorization scheme kept before a redacted header value: `Bearer [redacted]`. */
const SCHEMES = new Set(['bearer', 'basic', 'token', 'digest', 'negotiate', 'ntlm', 'apikey', 'aws4-hmac-sha256']);

/**
 * `text` (free text: a command-line argument, an error message, a URL, a string's contents)
 * with URL user info, secret-looking `name=value` values and secret header values redacted.
 * `truncated`: the text was cut, so a URL authority running to its end may be a cut credential.
 */
export function redactText(text: string, truncated = false): string {
  // Nothing to find without one of these: the common case costs three scans by the engine.
  if (!text.includes('=') && !text.includes('://') && !text.includes(':')) return text;
  let out = '';
  let copied = 0;
  let nameStart = -1;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (isNameChar(code)) {
      if (nameStart < 0) nameStart = i;
      continue;
    }
    const start = nameStart;
    nameStart = -1;
    if (start < 0) continue;
    if (code === 0x3d /* = */) {
      if (text.startsWith(REDACTED, i + 1) || !isSecretName(text.slice(start, i), true)) continue;
      let end = i + 1;
      while (end < length && !endsValue(text.charCodeAt(end))) end++;
      if (end === i + 1) continue;
      out += text.slice(copied, i + 1) + REDACTED;
      copied = end;
      i = end - 1;
    } else if (code === 0x3a /* : */ && text.charCodeAt(i + 1) === 0x2f && text.charCodeAt(i + 2) === 0x2f) {
      // scheme://[user[:password]@]host…
      const from = i + 3;
      let end = from;
      let at = -1;
      let colon = -1;
      while (end < length && !endsAuthority(text.charCodeAt(end))) {
        const c = text.charCodeAt(end);
        if (c === 0x40 /* @ */) at = end;
        else if (c === 0x3a /* : */ && colon < 0) colon = end;
        end++;
      }
      if (at >= 0) {
        const user = colon >= 0 && colon < at ? text.slice(from, colon + 1) : '';
        out += text.slice(copied, from) + user + REDACTED;
        copied = at;
        i = at;
      } else if (truncated && end === length) {
        // Cut inside the authority: what follows a colon may be the start of a password.
        if (colon >= 0) {
          out += text.slice(copied, colon + 1) + REDACTED;
          copied = length;
        }
        i = length;
      } else {
        i = from - 1;
      }
    } else if (code === 0x3a /* : */ && isSpace(text.charCodeAt(i + 1)) && isHeaderName(text.slice(start, i))) {
      // Name: value, as in a header line (`Authorization: Bearer …`, `Cookie: a=b`).
      let from = i + 1;
      while (from < length && isSpace(text.charCodeAt(from))) from++;
      const first = text.charCodeAt(from);
      // A quoted value or a container belongs to the inspect output rules (redactInspected).
      if (from >= length || first === 0x27 || first === 0x22 || first === 0x60 || first === 0x5b || first === 0x7b) continue;
      let word = from;
      while (word < length && !isSpace(text.charCodeAt(word)) && !endsValue(text.charCodeAt(word))) word++;
      if (SCHEMES.has(text.slice(from, word).toLowerCase()) && word < length && isSpace(text.charCodeAt(word))) {
        from = word;
        while (from < length && isSpace(text.charCodeAt(from))) from++;
      }
      let end = from;
      while (end < length) {
        const c = text.charCodeAt(end);
        if (c === 0x0a || c === 0x27 || c === 0x22 || c === 0x60 || c === 0x2c || c === 0x7d || c === 0x5d) break;
        end++;
      }
      while (end > from && isSpace(text.charCodeAt(end - 1))) end--;
      if (end === from) continue;
      out += text.slice(copied, from) + REDACTED;
      copied = end;
      i = end - 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

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

/** URL parts a line shows, and how long a URL may be before it is cut. */
export const MAX_URL = 1024;

/**
 * A URL for a line (an http recipe's request, a proxy-form path `http://user:pw@host/…`, a
 * connection string): cut to MAX_URL characters first; user info found by `new URL()` (the
 * parser's own reading of where the user name and password end) is redacted in its
 * serialisation; then the text rules (secret-looking query parameters, user info new URL()
 * cannot parse).
 */
export function redactUrl(raw: string): string {
  const cut = raw.length > MAX_URL;
  let text = cut ? raw.slice(0, MAX_URL) : raw;
  if (text.includes('@') && text.includes('://')) {
    try {
      const url = new URL(text);
      if (url.password !== '') url.password = REDACTED;
      else if (url.username !== '') url.username = REDACTED;
      else throw new Error('no user info');
      text = url.href.replace('%5Bredacted%5D', REDACTED);
    } catch {
      // not a URL new URL() reads, or none with user info: the text rules alone
    }
  }
  return redactText(text, cut) + (cut ? '…' : '');
}

/** Option names whose next argument is a password or token (`--password X`, `--token X`). */
function takesSecret(option: string): boolean {
  if (!option.startsWith('--') || option.includes('=')) return false;
  return isSecretName(option.slice(2));
}

/** Options whose argument is `user:password` (curl's `-u`/`--user`, `--proxy-user`, `-U`). */
const USER_OPTIONS = new Set(['-u', '--user', '-U', '--proxy-user']);
/** Commands whose `-p<password>` (attached) is a password: MySQL's and MariaDB's clients, sshpass. */
const ATTACHED_P = /^(?:mysql\w*|mariadb\w*|sshpass)$/;

/**
 * A command line's arguments (the command first), each redacted: URL user info, secret-looking
 * `name=value`, `--password X` and `--token X` (the next argument), `-u user:pw` and
 * `--user user:pw` (what follows the colon), and `-pSECRET` after a MySQL or MariaDB client or
 * sshpass. A string holding a whole command (exec's) is split at spaces and judged the same way.
 */
export function redactArgv(parts: readonly string[]): string[] {
  const out: string[] = [];
  let secretNext = false;
  let userNext = false;
  let attachedP = false;
  for (const part of parts) {
    if (secretNext) {
      out.push(REDACTED);
      secretNext = false;
      continue;
    }
    if (userNext) {
      out.push(userPassword(part));
      userNext = false;
      continue;
    }
    const base = part.slice(part.lastIndexOf('/') + 1);
    if (!part.startsWith('-') && ATTACHED_P.test(base)) attachedP = true;
    if (takesSecret(part)) secretNext = true;
    else if (USER_OPTIONS.has(part)) userNext = true;
    const equals = part.indexOf('=');
    if (attachedP && part.length > 2 && part.startsWith('-p')) out.push(`-p${REDACTED}`);
    else if (equals > 0 && part.startsWith('--') && USER_OPTIONS.has(part.slice(0, equals)))
      out.push(part.slice(0, equals + 1) + userPassword(part.slice(equals + 1)));
    else if (part.startsWith('-u') && part.length > 2 && part.charCodeAt(2) !== 0x2d && part.includes(':')) out.push(`-u${userPassword(part.slice(2))}`);
    else out.push(redactText(part));
  }
  return out;
}

/** `user:password` -> `user:[redacted]`; anything else as text. */
function userPassword(value: string): string {
  const colon = value.indexOf(':');
  return colon < 0 || value.includes('://') ? redactText(value) : `${value.slice(0, colon + 1)}${REDACTED}`;
}

/** A whole command in one string (exec's): its words redacted as arguments, spacing kept. */
export function redactCommand(command: string): string {
  // The text rules first, over the whole string: a header's value spans words (`-H "Authorization: Bearer x"`).
  return redactArgv(redactText(command).split(' ')).join(' ');
}

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
