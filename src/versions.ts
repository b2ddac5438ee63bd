// semver ranges. semver's range code costs 10–40 ms to load, so start-up accepts the common
// shapes here without it; semver itself loads for any other range, and when a target with a
// range is first imported.

// A subset of semver's range grammar that semver always accepts: comparators
// (`^ ~ >= <= > < =` and a version, space-separated), hyphen ranges `a - b`, `*`, `x`, joined by
// `||`, with versions `v?N[.N|.x[.N|.x]]` (no prerelease or build part, numbers of at most 15
// digits). A range in it is valid without asking semver (fuzzed against semver: no false accept,
// bench/lib/semver-fast-path.cjs); any other range is semver's to judge.
const N = '(?:0|[1-9]\\d{0,14})';
const XX = '[xX*]';
const VERSION = `v?${N}(?:\\.(?:${N}(?:\\.(?:${N}|${XX}))?|${XX}(?:\\.${XX})?))?`;
const COMPARATOR = `(?:\\^|~|>=|<=|>|<|=)?${VERSION}`;
const SET = `(?:${COMPARATOR}(?: +${COMPARATOR})*|${VERSION} - ${VERSION}|\\*|[xX])`;
const SIMPLE_RANGE = new RegExp(`^ *${SET}(?: *\\|\\| *${SET})* *$`);

type ValidRange = (range: string) => string | null;
type Satisfies = (version: string, range: string, options: { includePrerelease: boolean }) => boolean;
let validRange: ValidRange | undefined;
let semverSatisfies: Satisfies | undefined;

/** Is `range` a semver range? Cheap for the common shapes; asks semver for the rest. */
export function isRange(range: string): boolean {
  if (range.trim() === '') return false;
  if (range.length <= 256 && SIMPLE_RANGE.test(range)) return true;
  return isSemverRange(range);
}

function isSemverRange(range: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  validRange ??= require('semver/ranges/valid') as ValidRange;
  return validRange(range) !== null;
}

/** Does `version` satisfy `range` (prereleases included)? `undefined` when semver rejects the range. */
export function satisfies(version: string, range: string): boolean | undefined {
  if (!isSemverRange(range)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  semverSatisfies ??= require('semver/functions/satisfies') as Satisfies;
  return semverSatisfies(version, range, { includePrerelease: true });
}
