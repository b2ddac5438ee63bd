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
  const at = operatorLength(word);
  return isVersion(at === 0 ? word : word.slice(at));
}

/** The length of a comparator's operator: `^ ~ = > <` (1), `>= <=` (2), none (0). */
function operatorLength(word: string): number {
  const c0 = word.charCodeAt(0);
  if (c0 === 94 /* ^ */ || c0 === 126 /* ~ */ || c0 === 61 /* = */) return 1;
  if (c0 === 62 /* > */ || c0 === 60 /* < */) return word.charCodeAt(1) === 61 /* = */ ? 2 : 1;
  return 0;
}

/** A version's dot-separated parts, without a leading `v`. */
function versionParts(text: string): string[] {
  return (text.charCodeAt(0) === 118 /* v */ ? text.slice(1) : text).split('.');
}

/** `v?N[.N|.x[.N|.x]]`, where only an `x` may follow an `x`. */
function isVersion(text: string): boolean {
  const parts = versionParts(text);
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

/**
 * Does `version` satisfy `range` (prereleases included)? `undefined` when semver rejects the range.
 * A plain version (`1.2.3`, `v1.2.3`, with or without `+build`) against a range of the subset above
 * is answered here, as semver answers it; anything else by semver. Loading semver costs a start
 * about 40 M instructions (10 ms), paid by every application that imports a target whose entry has
 * a `versions` range.
 */
export function satisfies(version: string, range: string): boolean | undefined {
  const answer = simpleSatisfies(version, range);
  if (answer !== undefined) return answer;
  if (!isSemverRange(range)) return undefined;
  semverSatisfies ??= require('semver/functions/satisfies') as Satisfies;
  return semverSatisfies(version, range, { includePrerelease: true });
}

/** A version as three numbers; a part a range leaves out or writes as `x` is undefined. */
type Triple = [number, number | undefined, number | undefined];

/**
 * `satisfies` for a plain version and a range in the subset, undefined for anything else. semver
 * turns each comparator into bounds (its range.js: replaceCaret, replaceTilde, replaceXRange,
 * hyphenReplace); with prereleases included its bounds end in `-0`, which no plain version falls
 * between, so they are the plain bounds here. test/unit/core-versions.test.mjs fuzzes this
 * against semver.
 */
export function simpleSatisfies(version: string, range: string): boolean | undefined {
  const v = plainVersion(version);
  if (v === undefined || range.length > 256 || !isSimpleRange(range)) return undefined;
  return range.split('||').some((set) => setHolds(v, trimSpaces(set)));
}

/** `v?N.N.N` with an optional `+build`, as semver parses it strictly (no prerelease: semver's to compare). */
function plainVersion(version: string): [number, number, number] | undefined {
  if (version.length > 256) return undefined; // semver's limit
  const plus = version.indexOf('+');
  if (plus !== -1 && !/^\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*$/.test(version.slice(plus))) return undefined;
  const main = plus === -1 ? version : version.slice(0, plus);
  const parts = versionParts(main);
  if (parts.length !== 3 || !parts.every(isNumber)) return undefined;
  return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
}

function setHolds(v: [number, number, number], set: string): boolean {
  if (set === '*' || set === 'x' || set === 'X') return true;
  const words = set.split(' ');
  if (words.length === 3 && words[1] === '-') {
    const from = triple(words[0]!);
    const to = triple(words[2]!);
    return compare(v, lowest(from)) >= 0 && (to[2] === undefined ? compare(v, above(to)) < 0 : compare(v, to as number[]) <= 0);
  }
  return words.every((word) => word === '' || comparatorHolds(v, word));
}

function comparatorHolds(v: [number, number, number], word: string): boolean {
  const operator = word.slice(0, operatorLength(word));
  const p = triple(word.slice(operator.length));
  const [M, m, patch] = p;
  const full = patch !== undefined;
  switch (operator) {
    case '^':
      if (M > 0 || m === undefined) return within(v, lowest(p), [M + 1, 0, 0]);
      if (m > 0 || patch === undefined) return within(v, lowest(p), [0, m + 1, 0]);
      return within(v, lowest(p), [0, 0, patch + 1]);
    case '~':
      return within(v, lowest(p), m === undefined ? [M + 1, 0, 0] : [M, m + 1, 0]);
    case '>=':
      return compare(v, lowest(p)) >= 0;
    case '>':
      return full ? compare(v, lowest(p)) > 0 : compare(v, above(p)) >= 0;
    case '<':
      return compare(v, lowest(p)) < 0;
    case '<=':
      return full ? compare(v, lowest(p)) <= 0 : compare(v, above(p)) < 0;
    default:
      // `=` or none: the version itself, or the versions an `x` leaves open.
      return full ? compare(v, lowest(p)) === 0 : within(v, lowest(p), above(p));
  }
}

/** A version word of the subset (`v1.2`, `1.x.x`, `1.2.*`) as a triple. */
function triple(word: string): Triple {
  const parts = versionParts(word);
  const part = (i: number): number | undefined => (parts[i] === undefined || !isNumber(parts[i]!) ? undefined : Number(parts[i]));
  const m = part(1);
  return [Number(parts[0]), m, m === undefined ? undefined : part(2)];
}

/** The lowest version a partial one covers (`1.2` -> 1.2.0). */
function lowest([M, m, p]: Triple): number[] {
  return [M, m ?? 0, p ?? 0];
}

/** The first version past what a partial one covers (`1` -> 2.0.0, `1.2` -> 1.3.0). */
function above([M, m]: Triple): number[] {
  return m === undefined ? [M + 1, 0, 0] : [M, m + 1, 0];
}

function within(v: number[], from: number[], below: number[]): boolean {
  return compare(v, from) >= 0 && compare(v, below) < 0;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}
