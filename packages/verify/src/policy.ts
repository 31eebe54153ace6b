import { SourceScope } from '../../../lib/shared/facts';
/**
 * Reading IAM-style policy documents (bucket, key and trust policies) the way an auditor does:
 * which statements grant a principal something, whether they carry the confused-deputy
 * conditions, and whether anything is wider than the statement AWS documents.
 */

/** One policy statement, as found in the document (every field optional). */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Parses a policy document; throws with a readable message when it is not a policy. */
export function parsePolicy(document: string): PolicyStatement[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    // IAM returns trust policies URL-encoded.
    try {
      parsed = JSON.parse(decodeURIComponent(document));
    } catch {
      throw new Error('the policy is not valid JSON');
    }
  }
  const statements = (parsed as { Statement?: unknown } | null)?.Statement;
  if (statements === undefined) {
    return [];
  }
  return (Array.isArray(statements) ? statements : [statements]).filter((s): s is PolicyStatement => typeof s === 'object' && s !== null);
}

/** A string or list of strings as a list. */
export function asList(value: unknown): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

/** Whom a statement's `Principal` names. */
export interface Principals {
  /** `"*"` or `{"AWS": "*"}`: anyone. */
  readonly anyone: boolean;
  readonly services: string[];
  readonly aws: string[];
  readonly other: string[];
}

export function principalsOf(principal: unknown): Principals {
  if (principal === '*') {
    return { anyone: true, services: [], aws: [], other: [] };
  }
  if (typeof principal !== 'object' || principal === null) {
    return { anyone: false, services: [], aws: [], other: principal === undefined ? [] : [String(principal)] };
  }
  const entries = principal as Record<string, unknown>;
  const aws = asList(entries.AWS);
  const other = Object.entries(entries)
    .filter(([k]) => k !== 'AWS' && k !== 'Service')
    .flatMap(([k, v]) => asList(v).map((x) => `${k}:${x}`));
  return { anyone: aws.includes('*'), services: asList(entries.Service).map((s) => s.toLowerCase()), aws, other };
}

/** True when the IAM wildcard pattern (`*`, `?`) matches `value`. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const flags = caseInsensitive ? 'is' : 's';
  let re = compiledPatterns.get(`${flags} ${pattern}`);
  if (!re) {
    const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
    re = new RegExp(`^${source}$`, flags);
    compiledPatterns.set(`${flags} ${pattern}`, re);
  }
  return re.test(value);
}

// Each pattern compiled once: the security tests' sweep matches every IAM action against the same few.
const compiledPatterns = new Map<string, RegExp>();

/** The part of a pattern before its first wildcard. */
export function literalPrefix(pattern: string): string {
  const i = pattern.search(/[*?]/);
  return i < 0 ? pattern : pattern.slice(0, i);
}

/** True when a pattern can only match values that start with `base`. */
export function confinedTo(pattern: string, base: string): boolean {
  return literalPrefix(pattern).startsWith(base);
}

/** Actions of a statement that match `action` (IAM action names are case-insensitive). */
export function grantsAction(statement: PolicyStatement, action: string): boolean {
  if (statement.NotAction !== undefined) {
    return !asList(statement.NotAction).some((p) => wildcardMatch(p, action, true));
  }
  return asList(statement.Action).some((p) => wildcardMatch(p, action, true));
}

/** True when the statement's resources include one that matches `resource`. */
export function coversResource(statement: PolicyStatement, resource: string): boolean {
  if (statement.NotResource !== undefined) {
    return !asList(statement.NotResource).some((p) => wildcardMatch(p, resource));
  }
  return asList(statement.Resource).some((p) => wildcardMatch(p, resource));
}

export function isAllow(statement: PolicyStatement): boolean {
  return String(statement.Effect ?? '').toLowerCase() === 'allow';
}

/** Statements that allow the service principal anything. */
export function allowsForService(statements: PolicyStatement[], service: string): PolicyStatement[] {
  return statements.filter((s) => isAllow(s) && s.NotPrincipal === undefined && principalsOf(s.Principal).services.includes(service));
}

/** Values of a condition key under the given operators (keys and operators compared case-insensitively). */
export function conditionValues(statement: PolicyStatement, operators: string[], key: string): string[] | undefined {
  const wanted = operators.map((o) => o.toLowerCase());
  let found: string[] | undefined;
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    if (!wanted.includes(operator.toLowerCase()) || typeof block !== 'object' || block === null) {
      continue;
    }
    for (const [k, v] of Object.entries(block)) {
      if (k.toLowerCase() === key.toLowerCase()) {
        found = [...(found ?? []), ...asList(v)];
      }
    }
  }
  return found;
}

/** The confused-deputy guard AWS documents for Bedrock: `aws:SourceAccount` and `aws:SourceArn`. */
export type { SourceScope };

/**
 * Problems with the `aws:SourceAccount` / `aws:SourceArn` conditions of one statement: missing,
 * or wider than this account and Region. An empty list means the statement is guarded.
 */
export function sourceConditionProblems(statement: PolicyStatement, scope: SourceScope): string[] {
  const problems: string[] = [];
  const accounts = conditionValues(statement, ['StringEquals', 'StringLike'], 'aws:SourceAccount');
  if (!accounts || accounts.length === 0) {
    problems.push('no aws:SourceAccount condition');
  } else {
    const others = accounts.filter((a) => a !== scope.account);
    if (others.length > 0) {
      problems.push(`aws:SourceAccount also allows ${others.join(', ')}`);
    }
  }
  const arns = conditionValues(statement, ['ArnLike', 'ArnEquals', 'StringLike', 'StringEquals'], 'aws:SourceArn');
  const arnBase = `arn:${scope.partition}:bedrock:${scope.region}:${scope.account}:`;
  if (!arns || arns.length === 0) {
    problems.push('no aws:SourceArn condition');
  } else {
    const wider = arns.filter((a) => !confinedTo(a, arnBase));
    if (wider.length > 0) {
      problems.push(`aws:SourceArn ${wider.join(', ')} is wider than ${arnBase}*`);
    }
  }
  return problems;
}

/** A short name for a statement in messages. */
export function statementName(statement: PolicyStatement, index: number): string {
  return statement.Sid ? `statement ${JSON.stringify(statement.Sid)}` : `statement #${index + 1}`;
}

/**
 * A string the IAM wildcard pattern matches that starts with `start` but not with `notStart`
 * (`start` is a prefix of `notStart`), or `undefined` when there is none. The search walks the
 * pattern and the two prefixes together, so it finds a witness wherever one exists: `b/*` against
 * `b/` and `b/logs/` gives `b/a`; `b/logs*` gives `b/logs`; `b/logs/*` gives none.
 */
export function wildcardWitness(pattern: string, start: string, notStart: string, minExtra = 1): string | undefined {
  const used = new Set(`${pattern}${notStart}`.replace(/[*?]/g, ''));
  const other = [...'x0abcdefghijklmnopqrstuvwyz123456789_-'].find((c) => !used.has(c)) ?? '\u00e9';
  const alphabet = [other, ...used];
  const n = pattern.length;
  const closure = (states: number[]): number[] => {
    const out = new Set<number>();
    const stack = [...states];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (out.has(i)) continue;
      out.add(i);
      if (i < n && pattern[i] === '*') stack.push(i + 1);
    }
    return [...out].sort((a, b) => a - b);
  };
  // Prefix state: how many characters of `notStart` were matched (-1 once the string left it after `start`).
  const FREE = -1;
  const DEAD = -2;
  const step = (j: number, c: string): number => {
    if (j === FREE) return FREE;
    if (j >= notStart.length) return DEAD;
    if (c === notStart[j]) return j + 1;
    return j < start.length ? DEAD : FREE;
  };
  const accepts = (states: number[], j: number, length: number): boolean => states.includes(n)
    && (j === FREE || (j >= start.length && j < notStart.length && length >= start.length + minExtra));
  interface Node { states: number[]; j: number; length: number; text: string }
  const first: Node = { states: closure([0]), j: 0, length: 0, text: '' };
  const seen = new Set<string>([`${first.states.join(',')}|0|0`]);
  const queue: Node[] = [first];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (accepts(node.states, node.j, node.length)) {
      return node.text;
    }
    for (const c of alphabet) {
      const j = step(node.j, c);
      if (j === DEAD) continue;
      const next = closure(node.states.flatMap((i) => {
        if (i >= n) return [];
        return pattern[i] === '*' ? [i] : pattern[i] === '?' || pattern[i] === c ? [i + 1] : [];
      }));
      if (next.length === 0) continue;
      // Length only matters up to start.length + minExtra.
      const length = Math.min(node.length + 1, start.length + minExtra);
      const key = `${next.join(',')}|${j}|${length}`;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ states: next, j, length, text: node.text + c });
    }
  }
  return undefined;
}
