// Secrets on a command line (docs/recipes.md, "Redaction"): each argument read by redactText,
// and the arguments that are secrets by their place: after `--password` or `--token`, the
// password of `-u user:pw`, `-pSECRET` after a MySQL or MariaDB client or sshpass.
import { isSecretName, REDACTED, redactText } from './redact';

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
