/**
 * Hostile inputs: a JSON document with one field replaced by a value of the wrong JSON type, for
 * every field (every path, leaves and objects alike). The reliability rule they check: bad input is
 * an `InputError` or a reason, never an internal error.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Values of every JSON type (and an empty object and list). */
export const WRONG_TYPES: readonly Json[] = [null, 0, -1.5, true, '', 'x', [], [null], {}, { x: 1 }];

/** What an internal error looks like in a message or a reason. */
export const INTERNAL_ERROR = /TypeError|ReferenceError|RangeError|SyntaxError|Cannot read prop|is not a function|is not iterable|undefined is not|of undefined|of null/;

/** Every path of `doc` (as key lists), the root excluded. */
export function pathsOf(doc: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (doc && typeof doc === 'object') return Object.entries(doc).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

/** A copy of `doc` with the value at `path` replaced. */
export function withValue<T>(doc: T, path: (string | number)[], value: Json): T {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return copy as T;
}

/** Every one-field mutation of `doc`: each path with each wrong-typed value (skipping the value it already has). */
export function* hostileVariants<T>(doc: T): Generator<{ path: string; value: Json; doc: T }> {
  for (const path of pathsOf(doc)) {
    for (const value of WRONG_TYPES) yield { path: path.join('.'), value, doc: withValue(doc, path, value) };
  }
}
