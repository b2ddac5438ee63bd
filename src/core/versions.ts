// semver ranges. Loading semver's range code would be a large part of start-up, so start-up
// accepts the common shapes here without it; semver itself loads for any other range, and when a
// target with a range is first imported.

// A subset of semver's range grammar that semver always accepts: comparators
// (`^ ~ >= <= > < =` and a version, separated by spaces), hyphen ranges `a - b`, `*`, `x`, joined
// by `||`, with versions `v?N[.N|.x[.N|.x]]` (no prerelease or build part, numbers of at most 15
// digits). A range in it is valid without asking semver (test/unit/core-versions.test.mjs fuzzes it
// against semver: no false accept); any other range is semver's to judge. Scanned by hand: the
// same grammar as one regular expression is slow for V8 to compile, at every start.

type ValidRange = (range: string) => string | null;
type Satisfies = (version: string, range: string, options: { includePrerelease: boolean }) => boolean;
let validRange: ValidRange | undefined;
let semverSatisfies: Satisfies | undefined;

/** Is `range` a semver range? Cheap for the common shapes; asks semver for the rest. */
export function isRange(range: string): boolean {
  if (range.trim() === '') return false;
  if (range.length <= 256 && isSimpleRange(range)) return true;
  return isSemverRange(range);
}

/** `range` in the subset above? Never true for a range semver rejects; false says nothing. */
export function isSimpleRange(range: string): boolean {
  const sets = range.split('||');
  for (let i = 0; i < sets.length; i++) {
    // Spaces (only) around `||` and at both ends.
    const set = trimSpaces(sets[i]!);
    if (set === '' || !isSimpleSet(set)) return false;
  }
  return true;
}

function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return text.slice(start, end);
}

function isSimpleSet(set: string): boolean {
  if (set === '*' || set === 'x' || set === 'X') return true;
  const words = set.split(' ');
  // A hyphen range, with exactly one space on each side of the hyphen.
  if (words.length === 3 && words[1] === '-') return isVersion(words[0]!) && isVersion(words[2]!);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '') continue; // two or more spaces between comparators
    if (!isComparator(word)) return false;
  }
  return true;
}

function isComparator(word: string): boolean {
  const c0 = word.charCodeAt(0);
  let at = 0;
  if (c0 === 94 /* ^ */ || c0 === 126 /* ~ */ || c0 === 61 /* = */) at = 1;
  else if (c0 === 62 /* > */ || c0 === 60 /* < */) at = word.charCodeAt(1) === 61 /* = */ ? 2 : 1;
  return isVersion(at === 0 ? word : word.slice(at));
}

/** `v?N[.N|.x[.N|.x]]`, where only an `x` may follow an `x`. */
function isVersion(text: string): boolean {
  const parts = (text.charCodeAt(0) === 118 /* v */ ? text.slice(1) : text).split('.');
  if (parts.length > 3 || !isNumber(parts[0]!)) return false;
  let wild = false;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === 'x' || part === 'X' || part === '*') wild = true;
    else if (wild || !isNumber(part)) return false;
  }
  return true;
}

/** `0` or up to 15 digits without a leading zero. */
function isNumber(text: string): boolean {
  const length = text.length;
  if (length === 0 || length > 15) return false;
  if (text.charCodeAt(0) === 48 /* 0 */) return length === 1;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isSemverRange(range: string): boolean {
  validRange ??= require('semver/ranges/valid') as ValidRange;
  return validRange(range) !== null;
}

/** Does `version` satisfy `range` (prereleases included)? `undefined` when semver rejects the range. */
export function satisfies(version: string, range: string): boolean | undefined {
  if (!isSemverRange(range)) return undefined;

  semverSatisfies ??= require('semver/functions/satisfies') as Satisfies;
  return semverSatisfies(version, range, { includePrerelease: true });
}
