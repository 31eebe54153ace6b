/**
 * EventBridge event-pattern matching, for the operators the tamper detection rule uses, as the
 * EventBridge user guide documents them ("Event patterns", "Comparison operators"):
 *
 * - every field of the pattern must match (AND); a pattern field's value is a list, which matches if
 *   any element does (OR); a nested object matches a nested object of the event;
 * - a field the pattern names but the event lacks never matches, except `{"exists": false}`;
 * - when the event's value is an array, the field matches if any of its elements does;
 * - exact values (strings compared case-sensitively, numbers, null), `prefix`, `suffix`,
 *   `anything-but` (a value, a list, or `{"prefix": ...}` / `{"suffix": ...}`), `exists`;
 * - `wildcard`: `*` stands for any characters (none included), `\*` for a literal `*`; the rest is
 *   compared exactly, case-sensitively, against the whole value;
 * - `$or`: a list of sub-patterns, at any level; it matches if one of them does, and ANDs with the
 *   other fields beside it.
 *
 * Why not a library: no npm package implements EventBridge's semantics and is kept up (the port of
 * aws/event-ruler, `eb-patterns`, is not on the registry this project installs from, and
 * serverless-offline-aws-eventbridge is a server plugin whose matcher is not exported). An operator
 * this file does not know throws, so the rule cannot silently use one it gets wrong.
 */
type Json = any;

export function matches(pattern: Json, event: Json): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, Json>, event: Json): boolean {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  return Object.entries(pattern).every(([key, value]) => {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new Error('$or takes a list of at least two patterns');
      return value.some((alternative) => matchObject(alternative, event));
    }
    if (Array.isArray(value)) return matchField(value, key in event, event[key]);
    if (value !== null && typeof value === 'object') return key in event && matchObject(value, event[key]);
    throw new Error(`pattern field ${key} must be a list or an object, not ${JSON.stringify(value)}`);
  });
}

function matchField(matchers: Json[], present: boolean, value: Json): boolean {
  const candidates = Array.isArray(value) ? value : [value];
  return matchers.some((m) => {
    if (m !== null && typeof m === 'object' && 'exists' in m) return m.exists === present;
    return present && candidates.some((c) => matchValue(m, c));
  });
}

function matchValue(m: Json, value: Json): boolean {
  if (m === null || typeof m !== 'object') return m === value;
  const [operator, ...more] = Object.keys(m);
  if (more.length > 0) throw new Error(`one operator per matcher: ${JSON.stringify(m)}`);
  const arg = m[operator];
  switch (operator) {
    case 'prefix': return typeof value === 'string' && value.startsWith(requireString(arg, operator));
    case 'suffix': return typeof value === 'string' && value.endsWith(requireString(arg, operator));
    case 'anything-but':
      if (Array.isArray(arg)) return !arg.some((a) => a === value);
      if (arg !== null && typeof arg === 'object') return !matchValue(arg, value);
      return arg !== value;
    case 'wildcard': return typeof value === 'string' && wildcardRegExp(requireString(arg, operator)).test(value);
    default: throw new Error(`operator ${operator} is not implemented here: add it with tests from the EventBridge user guide`);
  }
}

function requireString(arg: Json, operator: string): string {
  if (typeof arg !== 'string') throw new Error(`${operator} takes a string, not ${JSON.stringify(arg)}`);
  return arg;
}

/** The `wildcard` operator as a regular expression over the whole value. */
function wildcardRegExp(pattern: string): RegExp {
  const parts = pattern.split(/(\\\*|\*)/).map((part) => {
    if (part === '*') return '[\\s\\S]*';
    if (part === '\\*') return '\\*';
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`);
}
