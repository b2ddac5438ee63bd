// Why a patch module could not be loaded, in words that point at the fix: the file, line and
// column of a syntax error (for ES modules too, whose errors do not carry them), and for a
// TypeScript file on a Node.js that cannot strip types, that this Node cannot load TypeScript.
// Runs only once a load has already failed.
import { existsSync } from 'node:fs';
import path = require('node:path');
import { pathToFileURL } from 'node:url';
import { describeCause, safeGet, syntaxLocation, type SourceLocation } from '../errors';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/** Whether this Node.js loads `.ts` files itself (type stripping, on by default from 22.18 and in 24). */
export function nodeStripsTypes(): boolean {
  const typescript = (process.features as { typescript?: unknown }).typescript;
  return typescript === 'strip' || typescript === 'transform';
}

/** What to say after "threw while loading: " for `error`, thrown while loading `file`. */
export function describeLoadError(file: string, error: unknown): string {
  if (TYPESCRIPT.has(path.extname(file)) && !nodeStripsTypes()) {
    return `${file} is TypeScript, which this Node.js (${process.versions.node}) cannot load: it strips types from 22.18 on and in 24 (on 22.6–22.17 with --experimental-strip-types). Run such a Node.js, or compile the patch to JavaScript (${describeCause(error)})`;
  }
  const described = describeCause(error);
  const stack = safeGet(error, 'stack');
  if (safeGet(error, 'name') !== 'SyntaxError' || typeof stack !== 'string' || syntaxLocation(stack) !== undefined) return described;
  // An ES module's SyntaxError names neither file nor line (Node keeps them for its own
  // fatal-error printout); `node --check` prints them without running the file.
  const at = checkSyntax(file);
  return at === undefined ? described : `${described} (${at.file}:${at.line}:${at.column})`;
}

/** Compiles `file` with `node --check` (nothing runs) and returns where its syntax error is, if any. */
export function checkSyntax(file: string): SourceLocation | undefined {
  const env = { ...process.env };
  // The check must not load this preload (or anything else) again.
  delete env['NODE_OPTIONS'];
  try {
    // Required here: child_process loads net and dgram, which the preload never needs otherwise.
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const result = spawnSync(process.execPath, ['--check', file], { env, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status === 0 || typeof result.stderr !== 'string') return undefined;
    return syntaxLocation(result.stderr);
  } catch {
    // No child process here (a sandbox): the message goes out without the line.
    return undefined;
  }
}

/**
 * A resolution error as the user should see it: Node's "Require stack" lists the placeholder
 * module a patch is resolved from (a file that does not exist); only files that exist are kept.
 * Other errors come back as they are.
 */
export function withoutPlaceholder(error: unknown): unknown {
  const message = safeGet(error, 'message');
  const marker = '\nRequire stack:\n';
  if (typeof message !== 'string' || !message.includes(marker)) return error;
  const head = message.slice(0, message.indexOf(marker));
  const kept = message
    .slice(message.indexOf(marker) + marker.length)
    .split('\n')
    .filter((line) => !line.startsWith('- ') || existsSync(line.slice(2)));
  const clean = new Error(kept.length === 0 ? head : `${head}${marker}${kept.join('\n')}`);
  const code = safeGet(error, 'code');
  if (typeof code === 'string') Object.assign(clean, { code });
  return clean;
}

// "    at fn (/app/patches/p.js:3:14)" or "    at /app/patches/p.js:3:14" (file: URLs for ES modules).
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** Where in `file` (the patch module) `error` was thrown: its first stack frame inside that file, as file:line:column. */
export function thrownAt(error: unknown, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const stack = safeGet(error, 'stack');
  if (typeof stack !== 'string') return undefined;
  const url = pathToFileURL(file).href;
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line);
    if (match !== null && (match[1] === file || match[1] === url)) return `${file}:${match[2]}:${match[3]}`;
  }
  return undefined;
}
