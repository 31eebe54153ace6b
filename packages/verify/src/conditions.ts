/**
 * Evaluates the `Condition` of a policy statement against a request that is only partly known:
 * verify knows who nOps's role is and how it reads (HTTPS, SigV4), not its source IP, its
 * organization or its session tags. Every answer is yes, no or maybe, and a maybe names the keys
 * and operators that made it so.
 */
import { asList, wildcardMatch } from './policy';

/** Three-valued truth: `maybe` when the answer depends on something verify cannot know. */
export type Tri = 'yes' | 'no' | 'maybe';

/** What is known about one context key of the request. */
export type ContextValue =
  /** The request does not carry the key. */
  | { readonly kind: 'absent' }
  /** The key has one of these values (one when known exactly). */
  | { readonly kind: 'oneOf'; readonly values: readonly string[] };

/** A request context: keys (lower case) that are known; any other key is unknown. */
export type RequestContext = ReadonlyMap<string, ContextValue>;

export interface ConditionResult {
  readonly result: Tri;
  /** Keys or operators that verify could not evaluate, when `result` is `maybe`. */
  readonly unknown: string[];
}

export function and(a: Tri, b: Tri): Tri {
  if (a === 'no' || b === 'no') return 'no';
  return a === 'yes' && b === 'yes' ? 'yes' : 'maybe';
}

export function or(a: Tri, b: Tri): Tri {
  if (a === 'yes' || b === 'yes') return 'yes';
  return a === 'no' && b === 'no' ? 'no' : 'maybe';
}

function not(a: Tri): Tri {
  return a === 'yes' ? 'no' : a === 'no' ? 'yes' : 'maybe';
}

/** Key prefixes whose value depends on tags verify does not read. */
const TAG_KEYS = /^(aws:principaltag|aws:requesttag|aws:resourcetag|s3:existingobjecttag|s3:requestobjecttag)\//;

type Compare = (value: string, policyValue: string) => boolean | undefined;

/** The base operators: how one request value compares with one policy value (`undefined`: not evaluated). */
const OPERATORS: Record<string, { compare: Compare; negated: boolean }> = {};
function operator(names: [string, string], compare: Compare): void {
  OPERATORS[names[0]] = { compare, negated: false };
  OPERATORS[names[1]] = { compare, negated: true };
}
operator(['stringequals', 'stringnotequals'], (v, p) => v === p);
operator(['stringequalsignorecase', 'stringnotequalsignorecase'], (v, p) => v.toLowerCase() === p.toLowerCase());
operator(['stringlike', 'stringnotlike'], (v, p) => wildcardMatch(p, v));
operator(['arnequals', 'arnnotequals'], arnMatch);
operator(['arnlike', 'arnnotlike'], arnMatch);
operator(['numericequals', 'numericnotequals'], numeric((a, b) => a === b));
OPERATORS.numericlessthan = { compare: numeric((a, b) => a < b), negated: false };
OPERATORS.numericlessthanequals = { compare: numeric((a, b) => a <= b), negated: false };
OPERATORS.numericgreaterthan = { compare: numeric((a, b) => a > b), negated: false };
OPERATORS.numericgreaterthanequals = { compare: numeric((a, b) => a >= b), negated: false };
OPERATORS.bool = { compare: (v, p) => v.toLowerCase() === p.toLowerCase(), negated: false };
// Dates, addresses and binaries are never known for nOps's requests: only their absence is.
for (const name of ['dateequals', 'datelessthan', 'datelessthanequals', 'dategreaterthan', 'dategreaterthanequals', 'ipaddress', 'binaryequals']) {
  OPERATORS[name] = { compare: () => undefined, negated: false };
}
OPERATORS.datenotequals = { compare: () => undefined, negated: true };
OPERATORS.notipaddress = { compare: () => undefined, negated: true };

/** The six parts of an ARN (the resource part may hold colons). */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** ArnLike: each of the six parts matched on its own, wildcards included; a value that is no ARN does not match. */
function arnMatch(value: string, pattern: string): boolean {
  const v = arnParts(value);
  const p = arnParts(pattern);
  return !!v && !!p && p.every((part, i) => wildcardMatch(part, v[i]));
}

function numeric(test: (a: number, b: number) => boolean): Compare {
  return (v, p) => {
    const a = Number(v);
    const b = Number(p);
    return Number.isNaN(a) || Number.isNaN(b) ? undefined : test(a, b);
  };
}

/** Replaces the policy variables the context knows exactly; `undefined` when one is not known. */
function substitute(policyValue: string, context: RequestContext): string | undefined {
  if (!policyValue.includes('${')) {
    return policyValue;
  }
  let known = true;
  const text = policyValue.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    const entry = context.get(name.trim().toLowerCase());
    if (entry?.kind === 'oneOf' && entry.values.length === 1 && !/[*?]/.test(entry.values[0])) {
      return entry.values[0];
    }
    known = false;
    return whole;
  });
  return known ? text : undefined;
}

/** One `operator: {key: values}` entry against the context. */
function evaluateEntry(rawOperator: string, key: string, policyValues: string[], context: RequestContext): ConditionResult {
  let name = rawOperator.toLowerCase();
  let qualifier: 'any' | 'all' | undefined;
  if (name.startsWith('foranyvalue:')) {
    qualifier = 'any';
    name = name.slice('foranyvalue:'.length);
  } else if (name.startsWith('forallvalues:')) {
    qualifier = 'all';
    name = name.slice('forallvalues:'.length);
  }
  const ifExists = name.endsWith('ifexists');
  if (ifExists) {
    name = name.slice(0, -'ifexists'.length);
  }
  const lowerKey = key.toLowerCase();
  const entry = TAG_KEYS.test(lowerKey) ? undefined : context.get(lowerKey);
  const maybe = (what: string): ConditionResult => ({ result: 'maybe', unknown: [what] });

  if (name === 'null') {
    if (!entry) return maybe(key);
    const wantAbsent = policyValues.some((v) => v.toLowerCase() === 'true');
    const wantPresent = policyValues.some((v) => v.toLowerCase() === 'false');
    const absent = entry.kind === 'absent';
    return { result: (absent && wantAbsent) || (!absent && wantPresent) ? 'yes' : 'no', unknown: [] };
  }
  const op = OPERATORS[name];
  if (!op) {
    return maybe(`operator ${rawOperator}`);
  }
  if (!entry) {
    return maybe(key);
  }
  if (entry.kind === 'absent') {
    // IAM: a missing key fails a positive operator and passes a negated one; IfExists and ForAllValues pass.
    if (ifExists || qualifier === 'all') return { result: 'yes', unknown: [] };
    if (qualifier === 'any') return { result: 'no', unknown: [] };
    return { result: op.negated ? 'yes' : 'no', unknown: [] };
  }
  // The request value is one of `entry.values`: the entry holds for all of them (yes), none (no) or some (maybe).
  let combined: Tri | undefined;
  for (const value of entry.values) {
    let matched: Tri = 'no';
    for (const raw of policyValues) {
      const policyValue = substitute(raw, context);
      const hit = policyValue === undefined ? undefined : op.compare(value, policyValue);
      matched = or(matched, hit === undefined ? 'maybe' : hit ? 'yes' : 'no');
    }
    const outcome = op.negated ? not(matched) : matched;
    combined = combined === undefined ? outcome : combined === outcome ? outcome : 'maybe';
  }
  const result = combined ?? 'maybe';
  return { result, unknown: result === 'maybe' ? [key] : [] };
}

/** Evaluates a statement's whole `Condition` (every entry must hold). No condition: yes. */
export function evaluateCondition(condition: unknown, context: RequestContext): ConditionResult {
  if (condition === undefined || condition === null) {
    return { result: 'yes', unknown: [] };
  }
  if (typeof condition !== 'object') {
    return { result: 'maybe', unknown: ['a malformed Condition'] };
  }
  let result: Tri = 'yes';
  const unknown: string[] = [];
  for (const [rawOperator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null) {
      result = and(result, 'maybe');
      unknown.push(`a malformed ${rawOperator} block`);
      continue;
    }
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      const entry = evaluateEntry(rawOperator, key, asList(values), context);
      result = and(result, entry.result);
      unknown.push(...entry.unknown);
    }
  }
  return { result, unknown: result === 'maybe' ? [...new Set(unknown)] : [] };
}

/** All values the statement's condition compares `key` with, under any operator. */
export function conditionValuesOf(condition: unknown, key: string): string[] {
  const values: string[] = [];
  for (const block of Object.values((condition ?? {}) as Record<string, unknown>)) {
    for (const [k, v] of Object.entries((block ?? {}) as Record<string, unknown>)) {
      if (k.toLowerCase() === key.toLowerCase()) {
        values.push(...asList(v));
      }
    }
  }
  return values;
}
