/**
 * The generated sections of SECURITY.md, rendered from the JSON the security tests leave behind
 * (`npx jest /security/`, in cdk.out/security/ or $SECURITY_RESULTS_DIR), so that the tables
 * cannot drift from what the evaluators said. scripts/security-report.ts writes them
 * (`npm run security-report`); the tests fail when SECURITY.md differs from what they would render,
 * unless SECURITY_REPORT_UPDATE=1 (set by `npm run security-report`).
 * No test library is imported here: this file only reads and writes JSON and markdown.
 */
import * as fs from 'fs';
import * as path from 'path';
// Type only: nothing of the test harness (or the AGPL simulator behind it) is loaded at run time.
import type { Answer } from './harness';

/**
 * The services for which the simulator has rules of its own beside the policies (its `serviceEngines`
 * in core_engine/CoreSimulatorEngine.js; for example sts:GetCallerIdentity needs no permission): the
 * sweep asks it about all of their actions. test/logging/security/sweep.test.ts fails if that list changes.
 */
export const SERVICES_WITH_OWN_RULES = ['iam', 'kms', 's3', 'sts'];

/** One in this many of the actions the sweep's filter skips is simulated anyway, as a check on the filter. */
export const SKIPPED_SAMPLE = 50;

export const SECURITY_MD = path.join(__dirname, '..', '..', '..', 'SECURITY.md');
export const SECTIONS = ['simulation', 'sweep', 'guard', 'property', 'archive', 'archive-property', 'tamper-guard', 'tamper-guard-sweep'] as const;
export type SectionName = typeof SECTIONS[number];

export function defaultResultsDir(): string {
  return process.env.SECURITY_RESULTS_DIR ?? path.join(__dirname, '..', '..', '..', 'cdk.out', 'security');
}

// ---- the JSON the tests write ------------------------------------------------------------

export interface CaseInfo { readonly id: string; readonly title: string; readonly settings: string }

/** One simulation answer, as the security tests write it. */
export type AnswerJson = Answer;

export interface SimulationResults {
  readonly simulator: string;
  readonly account: string;
  readonly region: string;
  readonly cases: CaseInfo[];
  readonly answers: AnswerJson[];
}

export interface SweepResults {
  readonly simulator: string;
  readonly sweeps: {
    readonly case: string;
    readonly label: string;
    readonly principal: string;
    readonly actionsEvaluated: number;
    readonly actionsSimulated: number;
    readonly errors: string[];
    readonly allowed: string[];
    readonly expected: string[];
    readonly pass: boolean;
  }[];
}

export interface GuardViolation {
  readonly case: string;
  readonly control: string;
  readonly rule: string;
  readonly logicalId: string;
  readonly constructPath: string;
  readonly acknowledged: boolean;
  readonly reason?: string;
}

export interface GuardResults {
  readonly validator: string;
  readonly guard: string;
  readonly rulesEvaluated: number;
  readonly cases: (CaseInfo & { readonly resources: number; readonly violations: number; readonly unacknowledged: number })[];
  readonly violations: GuardViolation[];
}

export interface PropertyResults {
  readonly library: string;
  readonly seed: number;
  readonly numRuns: number;
  readonly synthesized: number;
  readonly rejected: number;
  /** How often each property was named by a rejection. */
  readonly rejectedNaming: Record<string, number>;
  readonly questionsAsked: number;
  readonly nagPacks: string[];
  readonly nagFindings: number;
  readonly failures: string[];
}

/** The organization's archive: simulator answers per scenario and cfn-guard on its templates. */
export interface ArchiveResults {
  readonly simulator: string;
  readonly cases: CaseInfo[];
  readonly answers: AnswerJson[];
  readonly guard: {
    readonly validator: string;
    readonly rulesEvaluated: number;
    readonly cases: (CaseInfo & { readonly resources: number; readonly violations: number; readonly unacknowledged: number })[];
    readonly violations: GuardViolation[];
  };
}

/** The archive's property-based run: random prefixes, accounts and Regions. */
export interface ArchivePropertyResults {
  readonly library: string;
  readonly seed: number;
  readonly numRuns: number;
  readonly questionsPerRun: number;
  readonly questionsAsked: number;
  readonly prefixes: string[];
  readonly regions: string[];
  readonly failures: string[];
}

/** The tamper guard's named questions: each attack, the deployers, the reads that stay open. */
export interface TamperGuardResults {
  readonly simulator: string;
  /** The guard's options, as the app was given them. */
  readonly options: string;
  readonly scpCharacters: number;
  readonly answers: {
    readonly group: string;
    readonly id: string;
    readonly text: string;
    readonly principal: string;
    readonly action: string;
    readonly resource: string;
    readonly expect: 'Allowed' | 'Denied';
    /** The simulator's answers with the guard attached, and without it. */
    readonly withGuard: string;
    readonly without: string;
    readonly pass: boolean;
  }[];
}

/** The tamper guard's sweep: every action on each guarded resource, and on look-alikes. */
export interface GuardSweepResults {
  simulator: string;
  data: string;
  readonly protected: {
    readonly id: string;
    readonly what: string;
    readonly arn: string;
    readonly types: string[];
    readonly asked: number;
    readonly allowedReads: string[];
    readonly denied: number;
    readonly deniedWithoutGuard: string[];
    /** Actions IAM rates Read or List whose names are not reads: denied. */
    readonly readsDenied: string[];
    readonly failures: string[];
  }[];
  readonly lookalikes: {
    readonly id: string;
    readonly what: string;
    readonly arn: string;
    readonly asked: number;
    readonly allowed: number;
    readonly changed: string[];
  }[];
}

// ---- rendering -----------------------------------------------------------------------------

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

export function renderSimulation(r: SimulationResults): string {
  const lines: string[] = [];
  const questions = new Map<string, AnswerJson>();
  for (const a of r.answers) if (!questions.has(a.id)) questions.set(a.id, a);
  const failed = r.answers.filter((a) => !a.pass);
  lines.push(`Evaluator: ${code(r.simulator)} (strict mode), on the synthesized templates with every intrinsic resolved for account ${r.account} in ${r.region}. ` +
    `${questions.size} distinct questions, ${r.answers.length} asked over ${r.cases.length} cases, ` +
    (failed.length === 0 ? 'all answered as expected.' : `**${failed.length} answered otherwise** (marked FAIL).`));
  lines.push('');
  lines.push(...questionTables(r, questions));
  lines.push('');
  lines.push('"denied" covers explicit and implicit denies; "–" means the case has no such resource (no KMS key, no CloudWatch destination).');
  return lines.join('\n');
}

export function renderSweep(r: SweepResults): string {
  const lines: string[] = [];
  lines.push(`Evaluator: ${code(r.simulator)} (discovery mode, resource ${code('*')} expanded to every pattern the policies name). ` +
    'For each principal, every IAM action of every service in the simulator\'s data was answered; the table lists everything found allowed. ' +
    `The simulator was asked about every action of ${SERVICES_WITH_OWN_RULES.map(code).join(', ')} (services it has rules of its own for) and every action an Allow statement ` +
    'could match (its Action patterns, or any action with NotAction); IAM allows no other action, since no statement allows it. ' +
    `As a check on that filter, one in ${SKIPPED_SAMPLE} of the other actions was simulated too (an allowed one would fail the sweep).`);
  lines.push('');
  lines.push('| case | principal | actions (simulated) | allowed (action on resource) | only what is expected |');
  lines.push('|---|---|---|---|---|');
  for (const s of r.sweeps) {
    lines.push(`| ${cell(s.case)} | ${cell(s.label)} | ${s.actionsEvaluated} (${s.actionsSimulated})${s.errors.length ? ` (${s.errors.length} errors)` : ''} | ${s.allowed.map((a) => code(a)).join('<br>')} | ${s.pass ? 'yes ✓' : '**FAIL**'} |`);
  }
  lines.push('');
  lines.push('`sts:GetCallerIdentity` needs no permission, so the simulator allows it to every principal.');
  return lines.join('\n');
}

export function renderGuard(r: GuardResults): string {
  const lines: string[] = [];
  const unack = r.violations.filter((v) => !v.acknowledged);
  lines.push(`Evaluator: ${code(r.validator)} with ${code(r.guard)} and its bundled AWS Control Tower proactive-control rules ` +
    `(${r.rulesEvaluated} rules), run on each case's synthesized template.`);
  lines.push('');
  lines.push('| case | settings | resources | rule failures | not acknowledged |');
  lines.push('|---|---|---|---|---|');
  for (const c of r.cases) lines.push(`| ${cell(c.title)} | ${cell(c.settings)} | ${c.resources} | ${c.violations} | ${c.unacknowledged === 0 ? '0 ✓' : `**${c.unacknowledged}**`} |`);
  lines.push('');
  lines.push('Every failure is acknowledged on the one resource it concerns, in the library, in the resource\'s template metadata ' +
    '(`Metadata.guard.SuppressedRules`, with the reason beside it):');
  lines.push('');
  lines.push('| control | rule | resource | cases | reason |');
  lines.push('|---|---|---|---|---|');
  const groups = new Map<string, GuardViolation[]>();
  for (const v of r.violations) {
    const k = `${v.rule}|${v.constructPath}`;
    groups.set(k, [...groups.get(k) ?? [], v]);
  }
  for (const vs of groups.values()) {
    const v = vs[0];
    lines.push(`| ${cell(v.control)} | ${code(v.rule)} | ${code(v.constructPath)} | ${vs.map((x) => x.case).join(', ')} | ${v.acknowledged ? cell(v.reason ?? '') : '**not acknowledged**'} |`);
  }
  if (unack.length > 0) {
    lines.push('');
    lines.push(`**${unack.length} failures are not acknowledged.**`);
  }
  return lines.join('\n');
}

export function renderProperty(r: PropertyResults): string {
  const lines: string[] = [];
  lines.push(`Generator: ${code(r.library)}, seed ${r.seed}, ${r.numRuns} random prop combinations of ${code('BedrockInvocationLoggingStack')} ` +
    '(key prefixes from a pool of hostile strings and random text, the five data flags, KMS, CloudWatch Logs, log group names and retention, nOps role names valid and not, handler options).');
  lines.push('');
  lines.push('| outcome | cases |');
  lines.push('|---|---|');
  lines.push(`| synthesized, zero findings from ${r.nagPacks.join(', ')}, every core simulation question as expected | ${r.synthesized} |`);
  lines.push(`| refused with an error that names the offending property | ${r.rejected} |`);
  lines.push(`| anything else (a crash from inside aws-cdk-lib, an error naming no property, a finding, a wider grant) | ${r.failures.length} |`);
  lines.push('');
  lines.push(`Core simulation questions asked of the synthesized templates: ${r.questionsAsked}. cdk-nag findings: ${r.nagFindings}.`);
  const named = Object.entries(r.rejectedNaming).sort(([a], [b]) => a.localeCompare(b));
  if (named.length > 0) {
    lines.push(`Properties named by the refusals: ${named.map(([k, n]) => `${code(k)} ${n}`).join(', ')}.`);
  }
  for (const f of r.failures) lines.push(`- **FAIL** ${cell(f)}`);
  return lines.join('\n');
}

export function renderArchive(r: ArchiveResults): string {
  const lines: string[] = [];
  const questions = new Map<string, AnswerJson>();
  for (const a of r.answers) if (!questions.has(a.id)) questions.set(a.id, a);
  const failed = r.answers.filter((a) => !a.pass);
  lines.push(`Evaluator: ${code(r.simulator)} (strict mode, with the keys IAM sets for a caller: ${code('aws:PrincipalArn')}, ${code('aws:PrincipalAccount')}, ` +
    `${code('aws:PrincipalOrgID')}, ${code('aws:SecureTransport')}). The archive stack is resolved in the log-archive account and the StackSet member template ` +
    'in a member account of another Region, with the archive\'s outputs as its parameters; each question is asked of the caller\'s identity policies and the archive\'s bucket or key policy together. ' +
    `${questions.size} distinct questions, ${r.answers.length} asked over ${r.cases.length} cases, ` +
    (failed.length === 0 ? 'all answered as expected.' : `**${failed.length} answered otherwise** (marked FAIL).`));
  lines.push('');
  lines.push(...questionTables(r, questions));
  lines.push('');
  lines.push('"–": no KMS key in that case. The simulator does not evaluate `kms:EncryptionContext:*` keys; those conditions are left out of the key questions and asserted as written in `test/archive/log-archive.test.ts`.');
  const g = r.guard;
  lines.push('');
  lines.push(`cfn-guard (${code(g.validator)}, ${g.rulesEvaluated} Control Tower rules):`);
  lines.push('');
  lines.push('| template | settings | resources | rule failures | not acknowledged |');
  lines.push('|---|---|---|---|---|');
  for (const c of g.cases) lines.push(`| ${cell(c.title)} | ${cell(c.settings)} | ${c.resources} | ${c.violations} | ${c.unacknowledged === 0 ? '0 ✓' : `**${c.unacknowledged}**`} |`);
  lines.push('');
  lines.push('| control | rule | resource | templates | reason |');
  lines.push('|---|---|---|---|---|');
  const groups = new Map<string, GuardViolation[]>();
  for (const v of g.violations) {
    const k = `${v.rule}|${v.logicalId.replace(/[0-9A-F]{8}$/, '')}`;
    groups.set(k, [...groups.get(k) ?? [], v]);
  }
  for (const vs of groups.values()) {
    const v = vs[0];
    lines.push(`| ${cell(v.control)} | ${code(v.rule)} | ${code(v.logicalId.replace(/[0-9A-F]{8}$/, ''))} | ${[...new Set(vs.map((x) => x.case))].join(', ')} | ${v.acknowledged ? cell(v.reason ?? '') : '**not acknowledged**'} |`);
  }
  return lines.join('\n');
}

export function renderArchiveProperty(r: ArchivePropertyResults): string {
  const lines: string[] = [];
  lines.push(`Generator: ${code(r.library)}, seed ${r.seed}, ${r.numRuns} random scenarios: a key prefix (1 to 4 segments of letters, digits and ${code("! _ . ' ( ) -")}), ` +
    'the archive account, a member account and another member account (12 random digits each, all distinct), the archive\'s and the member\'s Regions, SSE-S3 or SSE-KMS. ' +
    `Each run synthesizes the archive stack, resolves it and the member template, and asks the ${r.questionsPerRun} core questions ` +
    `(${r.questionsAsked} asked in all): own folder allowed, another account's folder, outside the organization, off the library's path, ` +
    `${code('s3:ReplicateDelete')}, ${code('s3:DeleteObject')} and ${code('s3:PutBucketPolicy')} denied, the trust conditions, the key, nOps reads the prefix and nothing else.`);
  lines.push('');
  lines.push(r.failures.length === 0 ? `Every run answered every question as expected. Prefixes tried include ${r.prefixes.slice(0, 6).map(code).join(', ')}; Regions ${r.regions.map(code).join(', ')}.`
    : `**${r.failures.length} runs answered otherwise:**`);
  for (const f of r.failures) lines.push(`- **FAIL** ${cell(f)}`);
  return lines.join('\n');
}

const answerCell = (actual: string) => actual === 'Allowed' ? 'allowed' : actual.endsWith('Denied') ? `denied (${actual === 'ExplicitlyDenied' ? 'explicit' : 'implicit'})` : `**${cell(actual.slice(0, 80))}**`;

export function renderTamperGuard(r: TamperGuardResults): string {
  const lines: string[] = [];
  const failed = r.answers.filter((a) => !a.pass);
  lines.push(`Evaluator: ${code(r.simulator)} (strict mode), with service control policies: root and OU carry FullAWSAccess, the OU also the guard ` +
    `(${r.scpCharacters.toLocaleString('en-US')} characters, from the app with ${code(r.options)}). Each question is asked twice, with the guard attached and without it, ` +
    `with ${code('aws:PrincipalArn')} and the resource's tags in the request. ${r.answers.length} questions, ` +
    (failed.length === 0 ? 'all answered as expected.' : `**${failed.length} answered otherwise** (marked FAIL).`));
  for (const group of [...new Set(r.answers.map((a) => a.group))]) {
    lines.push('');
    lines.push(`#### ${group}`);
    lines.push('');
    lines.push('| question | principal | actions on resource | without the guard | with the guard | expected |');
    lines.push('|---|---|---|---|---|---|');
    // Questions that differ only in the action (a deployer's actions on one resource) share a row.
    const rows = new Map<string, { a: TamperGuardResults['answers'][number]; actions: string[] }>();
    for (const a of r.answers.filter((x) => x.group === group)) {
      const key = JSON.stringify([a.text, a.principal, a.resource, a.expect, a.withGuard, a.without, a.pass]);
      rows.set(key, { a: rows.get(key)?.a ?? a, actions: [...rows.get(key)?.actions ?? [], a.action] });
    }
    for (const { a, actions } of rows.values()) {
      const principal = a.principal.slice(a.principal.indexOf(':role/') >= 0 ? a.principal.indexOf(':role/') + 6 : 0);
      lines.push(`| ${cell(a.text)} | ${code(principal)} | ${actions.map(code).join(', ')} on ${code(a.resource)} | ${answerCell(a.without)} | ${answerCell(a.withGuard)} | ` +
        `${a.expect === 'Allowed' ? 'allow' : 'deny'}${a.pass ? ' ✓' : ' **FAIL**'} |`);
    }
  }
  return lines.join('\n');
}

export function renderTamperGuardSweep(r: GuardSweepResults): string {
  const lines: string[] = [];
  const asked = r.protected.reduce((n, p) => n + p.asked, 0);
  const denied = r.protected.reduce((n, p) => n + p.denied, 0);
  const failures = r.protected.flatMap((p) => p.failures.map((f) => `${p.id}: ${f}`));
  lines.push(`Evaluator: ${code(r.simulator)} (strict mode); actions: ${code(r.data)}, every action of the resource's service that applies to its resource type. ` +
    'Asked as the account\'s administrator (AdministratorAccess), with the guard and without it, on the resources of a guarded organization as the app synthesizes them ' +
    '(the StackSet member template with KMS, CloudWatch Logs, a nOps grant and replication, resolved as a stack instance; the archive stack; the detection stack\'s key). ' +
    'Read-only means the name starts with Get, List, Describe or Head, or is `kms:Decrypt`. ' +
    `${r.protected.length} resources, ${asked} questions: ${asked - denied} read-only, allowed; ${denied} denied by the guard; ` +
    (failures.length === 0 ? 'no other answer.' : `**${failures.length} answered otherwise.**`));
  lines.push('');
  lines.push('| guarded resource | ARN | actions asked | read-only, allowed | denied by the guard | rated Read or List by IAM, denied anyway | as expected |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const p of r.protected) {
    lines.push(`| ${cell(p.what)} | ${code(p.arn)} | ${p.asked} (${p.types.join(', ')}) | ${p.allowedReads.length} | ${p.denied} | ` +
      `${p.readsDenied.length ? p.readsDenied.map(code).join(', ') : '–'} | ${p.failures.length === 0 ? 'yes ✓' : `**FAIL** ${cell(p.failures.join('; ').slice(0, 200))}`} |`);
  }
  const baseline = [...new Set(r.protected.flatMap((p) => p.deniedWithoutGuard))];
  lines.push('');
  lines.push(`Without the guard the administrator is allowed every one of these actions${baseline.length ? ` except ${baseline.map(code).join(', ')}, which the resource's own policy refuses (the keys' policy refuses grants that are not for an AWS service; a trust policy that admits the account admits no SAML or web-identity federation)` : ''}: the guard is what denies them.`);
  lines.push('');
  lines.push('Look-alikes, the same sweep: the guard must change no answer.');
  lines.push('');
  lines.push('| look-alike | ARN | actions asked | allowed with the guard | answers the guard changed |');
  lines.push('|---|---|---|---|---|');
  for (const l of r.lookalikes) {
    lines.push(`| ${cell(l.what)} | ${code(l.arn)} | ${l.asked} | ${l.allowed} | ${l.changed.length === 0 ? 'none ✓' : `**${cell(l.changed.join('; ').slice(0, 200))}**`} |`);
  }
  return lines.join('\n');
}

const RENDER: Record<SectionName, (data: any) => string> = {
  'tamper-guard': renderTamperGuard,
  'tamper-guard-sweep': renderTamperGuardSweep,
  'simulation': renderSimulation,
  'sweep': renderSweep,
  'guard': renderGuard,
  'property': renderProperty,
  'archive': renderArchive,
  'archive-property': renderArchiveProperty,
};

export function render(section: SectionName, data: unknown): string {
  return RENDER[section](data);
}

// ---- SECURITY.md sections ------------------------------------------------------------------

const begin = (s: string) => `<!-- security-report:${s}:begin (generated by scripts/security-report.ts; do not edit) -->`;
const end = (s: string) => `<!-- security-report:${s}:end -->`;

/** The generated text of one section of `md`, or undefined when the markers are missing. */
export function extractSection(md: string, section: SectionName): string | undefined {
  const i = md.indexOf(begin(section));
  const j = md.indexOf(end(section));
  if (i < 0 || j < i) return undefined;
  return md.slice(i + begin(section).length, j).trim();
}

export function replaceSection(md: string, section: SectionName, content: string): string {
  const i = md.indexOf(begin(section));
  const j = md.indexOf(end(section));
  if (i < 0 || j < i) throw new Error(`SECURITY.md has no markers for section ${section}: add ${begin(section)} and ${end(section)}`);
  return `${md.slice(0, i)}${begin(section)}\n${content}\n${md.slice(j)}`;
}

/**
 * Compares one section of SECURITY.md with what `data` renders to. Returns a message when they
 * differ, undefined when they agree.
 */
export function checkSection(section: SectionName, data: unknown, mdPath: string = SECURITY_MD): string | undefined {
  const md = fs.existsSync(mdPath) ? fs.readFileSync(mdPath, 'utf8') : '';
  const current = extractSection(md, section);
  if (current === render(section, data).trim()) return undefined;
  return `SECURITY.md section "${section}" is not what this test run produced: run \`npm run security-report\` and commit SECURITY.md`;
}

export function main(dir: string = defaultResultsDir(), mdPath: string = SECURITY_MD): void {
  let md = fs.readFileSync(mdPath, 'utf8');
  for (const section of SECTIONS) {
    const file = path.join(dir, `${section}.json`);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npx jest /security/\` first`);
    md = replaceSection(md, section, render(section, JSON.parse(fs.readFileSync(file, 'utf8'))));
  }
  fs.writeFileSync(mdPath, md);
  // eslint-disable-next-line no-console
  console.log(`wrote ${path.relative(process.cwd(), mdPath)} from ${path.relative(process.cwd(), dir)}`);
}

/** The cases, then one table of questions per subject, a column per case. */
function questionTables(r: { cases: CaseInfo[]; answers: AnswerJson[] }, questions: Map<string, AnswerJson>): string[] {
  const lines: string[] = [];
  lines.push('| case | settings |');
  lines.push('|---|---|');
  for (const c of r.cases) lines.push(`| ${cell(c.title)} | ${cell(c.settings)} |`);
  const subjects = [...new Set([...questions.values()].map((q) => q.subject))];
  for (const subject of subjects) {
    lines.push('');
    lines.push(`#### ${subject}`);
    lines.push('');
    lines.push(`| question | expected | ${r.cases.map((c) => cell(c.title)).join(' | ')} |`);
    lines.push(`|---|---|${r.cases.map(() => '---').join('|')}|`);
    for (const q of questions.values()) {
      if (q.subject !== subject) continue;
      const cells = r.cases.map((c) => {
        const a = r.answers.find((x) => x.case === c.id && x.id === q.id);
        if (!a) return '–';
        return a.pass ? (a.actual === 'Allowed' ? 'allowed ✓' : 'denied ✓') : `**FAIL**: ${cell(a.actual.slice(0, 80))}`;
      });
      lines.push(`| ${cell(q.text)} | ${q.expect === 'Allowed' ? 'allow' : 'deny'} | ${cells.join(' | ')} |`);
    }
  }
  return lines;
}
