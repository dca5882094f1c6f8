/**
 * EventBridge event patterns, evaluated in the tests: the subset of EventBridge's matching the
 * stacks' rules use (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
 *
 * - A pattern object matches an event object when every key's pattern matches the event's value at
 *   that key; `$or` holds a list of patterns of which one must match the same object.
 * - A leaf pattern is an array (OR): exact values (strings case-sensitive, numbers, `null`) and
 *   filters `{exists}`, `{prefix}`, `{suffix}`, `{"equals-ignore-case"}`, `{"anything-but"}`
 *   (a value, a list of values, or `{prefix}`).
 * - An array in the event matches when one of its elements does (a leaf: any value; a nested
 *   pattern: any element object). EventBridge flattens arrays of objects, so it can also match
 *   fields of different elements together; fixbridge's events carry one finding each, where the two agree.
 * - A field the event lacks matches only `{exists: false}`.
 *
 * Anything else (numeric ranges, wildcard, cidr) throws, so a pattern that grows past this subset
 * fails the test instead of passing it by accident.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function scalarFilter(filter: unknown, value: unknown, present: boolean): boolean {
  if (!isObject(filter)) return present && value === filter;
  const [op, arg, ...more] = Object.entries(filter).flat();
  if (more.length) throw new Error(`unsupported filter ${JSON.stringify(filter)}`);
  switch (op) {
    case 'exists':
      return arg === present;
    case 'prefix':
      return present && typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
    case 'suffix':
      return present && typeof value === 'string' && typeof arg === 'string' && value.endsWith(arg);
    case 'equals-ignore-case':
      return present && typeof value === 'string' && typeof arg === 'string' && value.toLowerCase() === arg.toLowerCase();
    case 'anything-but': {
      if (!present) return false;
      if (isObject(arg)) return !scalarFilter(arg, value, present);
      return !(Array.isArray(arg) ? arg : [arg]).includes(value as Json);
    }
    default:
      throw new Error(`unsupported filter ${JSON.stringify(filter)}`);
  }
}

function leafMatches(pattern: unknown[], value: unknown, present: boolean): boolean {
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) return pattern.some((f) => scalarFilter(f, undefined, false));
  return values.some((v) => pattern.some((f) => scalarFilter(f, v, present)));
}

/** True when `event` (or a part of it) matches `pattern`. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new Error(`a pattern is an object, not ${JSON.stringify(pattern)}`);
  if (Array.isArray(event)) return event.some((e) => matchesPattern(pattern, e));
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') {
      if (!Array.isArray(sub)) throw new Error('$or takes a list of patterns');
      return sub.some((p) => matchesPattern(p, event));
    }
    const present = key in event;
    const value = event[key];
    if (Array.isArray(sub)) return leafMatches(sub, value, present);
    if (isObject(sub)) return present && matchesPattern(sub, value);
    throw new Error(`pattern value at ${key} must be a list or an object`);
  });
}

/**
 * A synthesized pattern with CloudFormation's pseudo parameters filled in (`Ref AWS::Partition`,
 * `AWS::Region`, `AWS::AccountId`, `Fn::Join`), as the deployed rule sees it.
 */
export function resolvePattern(value: unknown, env: { partition: string; region: string; account: string }): unknown {
  if (Array.isArray(value)) return value.map((v) => resolvePattern(v, env));
  if (!isObject(value)) return value;
  if ('Ref' in value) {
    const refs: Record<string, string> = { 'AWS::Partition': env.partition, 'AWS::Region': env.region, 'AWS::AccountId': env.account };
    const out = refs[value.Ref as string];
    if (out === undefined) throw new Error(`cannot resolve Ref ${String(value.Ref)}`);
    return out;
  }
  if ('Fn::Join' in value) {
    const [sep, parts] = value['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolvePattern(p, env)).join(sep);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolvePattern(v, env)]));
}
