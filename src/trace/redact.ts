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
//
// This file holds the word list, free text and URLs; inspect output is redact-inspect.ts,
// command lines redact-command.ts, database errors redact-sql.ts.

export const REDACTED = '[redacted]';

/** Parts of a name (lower case, letters and digits only) that make it a secret's name. */
const SECRET_PARTS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'authorization', 'authorisation', 'cookie', 'credential', 'privatekey'];
const SECRET_NAMES = new Set(['pass', 'pwd']);
/** Names of query and form parameters that hold a secret without saying so: `key`, `sig`, `auth`. */
const LOOSE_NAMES = new Set(['key', 'sig', 'signature', 'auth', 'code', 'jwt', 'session', 'sessionid', 'sid']);
/** A name longer than this is judged by its first characters (a 100 KB key costs no more). */
export const NAME_LIMIT = 256;

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
export function isNameChar(code: number): boolean {
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
