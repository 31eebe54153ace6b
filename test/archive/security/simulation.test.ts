/**
 * The archive's evidence: the archive's and a member's policies, resolved as CloudFormation creates
 * them in their own accounts and Regions, asked of the IAM policy simulator
 * (@cloud-copilot/iam-simulate); and the Control Tower cfn-guard rules on the archive stack and on a
 * member replicating into it. SECURITY.md's archive section is rendered from this run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ArchiveObjectLockMode } from '../../../lib';
import { archiveStack, memberStack } from '../helpers';
import { archiveQuestions, archiveSet, ArchiveScenario } from './questions';
import { Answer, ask, packageVersion, writeResults } from '../../support/security/harness';
import { ArchiveResults, checkSection, GuardViolation } from '../../support/security/report';

jest.setTimeout(120_000);

const BASE = { organizationId: 'o-a1b2c3d4e5', otherMember: '444455556666', outsider: '777788889999', outsiderOrganizationId: 'o-zzzzzzzzzz' };
const SCENARIOS: Array<ArchiveScenario & { id: string; title: string; settings: string }> = [
  {
    ...BASE, id: 'sse-s3', title: 'SSE-S3', prefix: 'bedrock', kms: false,
    archiveAccount: '222233334444', archiveRegion: 'us-east-1', memberAccount: '111122223333', memberRegion: 'eu-west-1',
    settings: 'archive -c rollout=archive -c organizationId=ORG -c nopsRoleName=...; member template with ArchiveBucketName, ArchiveAccountId; prefix bedrock; member in eu-west-1, archive in us-east-1',
  },
  {
    ...BASE, id: 'sse-kms', title: 'SSE-KMS', prefix: 'finops/bedrock', kms: true,
    archiveAccount: '222233334444', archiveRegion: 'eu-central-1', memberAccount: '111122223333', memberRegion: 'ap-southeast-2',
    settings: 'both with kms=true, ArchiveKmsKeyArn; prefix finops/bedrock; member in ap-southeast-2, archive in eu-central-1',
  },
];

const answers: Answer[] = [];

describe.each(SCENARIOS)('archive simulation: $title', (scenario) => {
  let asked: Answer[] = [];

  beforeAll(async () => {
    const set = archiveSet(scenario);
    asked = [];
    for (const q of archiveQuestions(set)) asked.push(await ask(scenario.id, q));
    answers.push(...asked);
  });

  test('every question is answered as expected', () => {
    const wrong = asked.filter((a) => !a.pass).map((a) =>
      `${a.id}: expected ${a.expect}, simulator said ${a.actual}\n    ${a.principal} ${a.action} ${a.resource} ${JSON.stringify(a.context)}`);
    expect(wrong).toEqual([]);
    expect(asked.length).toBeGreaterThanOrEqual(scenario.kms ? 60 : 50);
  });
});

describe('the questions can fail', () => {
  test('weakened copies of the archive\'s policy answer the same questions otherwise (no org condition; every account\'s folder; ReplicateDelete)', async () => {
    const set = archiveSet(SCENARIOS[0]);
    const byId = (id: string) => archiveQuestions(set).find((q) => q.id === id)!;
    const weaken = (change: (statement: any) => void) => {
      const policy = JSON.parse(JSON.stringify(set.archive.bucketPolicy));
      change(policy.Statement.find((st: any) => st.Sid === 'ReplicateFromOrganizationLibraryRoles'));
      return policy;
    };
    const noOrg = weaken((st) => delete st.Condition.StringEquals);
    const anyFolder = weaken((st) => { st.Resource = st.Resource.replace('${aws:PrincipalAccount}', '*'); });
    const withDelete = weaken((st) => { st.Action = [...st.Action, 's3:ReplicateDelete']; });
    const noPath = weaken((st) => delete st.Condition.ArnLike);
    expect((await ask('mutant', { ...byId('archive-outside-org'), resourcePolicy: noOrg })).actual).toBe('Allowed');
    expect((await ask('mutant', { ...byId('archive-library-admin-other-folder'), resourcePolicy: anyFolder })).actual).toBe('Allowed');
    expect((await ask('mutant', { ...byId('archive-library-delete-replica'), resourcePolicy: withDelete })).actual).toBe('Allowed');
    expect((await ask('mutant', { ...byId('archive-non-library-role'), resourcePolicy: noPath })).actual).toBe('Allowed');
  });
});

describe('cfn-guard on the archive and on a member replicating into it', () => {
  const GUARD_CASES = [
    { id: 'archive', title: 'archive stack', settings: '-c rollout=archive -c organizationId=ORG', template: archiveStack().template },
    {
      id: 'archive-all', title: 'archive stack, all options',
      settings: '-c kms=true -c nopsRoleName=... -c archiveObjectLockDays=365 -c archiveObjectLockMode=GOVERNANCE -c archiveTransitionDays=90',
      template: archiveStack({ createEncryptionKey: true, nopsRoleName: 'Nops-Integration-archive', objectLockDays: 365, objectLockMode: ArchiveObjectLockMode.GOVERNANCE, transitionAfterDays: 90 }).template,
    },
    { id: 'member', title: 'member replicating', settings: '-c kms=true -c archiveBucket=... -c archiveAccount=... -c archiveKmsKeyArn=...', template: memberStack({ createEncryptionKey: true }).template },
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-guard-'));
  const files = GUARD_CASES.map((c) => {
    const file = path.join(dir, `${c.id}.template.json`);
    fs.writeFileSync(file, JSON.stringify(c.template, undefined, 1));
    return { c, file };
  });
  const validator = new CfnGuardValidator();
  const report = validator.validate({ templatePaths: files.map((f) => f.file) });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const violations: GuardViolation[] = report.violations.flatMap((v) => v.violatingResources.map((r) => {
    const x = files.find((f) => f.file === r.templatePath)!;
    const guard = x.c.template.Resources[r.resourceLogicalId]?.Metadata?.guard;
    const reason: string | undefined = guard?.Reasons?.[v.ruleName];
    return {
      case: x.c.id, control: /\[(CT\.[A-Z0-9.]+)\]/.exec(v.description ?? '')?.[1] ?? v.ruleName, rule: v.ruleName,
      logicalId: r.resourceLogicalId, constructPath: r.resourceLogicalId,
      acknowledged: (guard?.SuppressedRules ?? []).includes(v.ruleName) && typeof reason === 'string' && reason.length >= 40, reason,
    };
  })).sort((a, b) => `${a.rule} ${a.case} ${a.logicalId}`.localeCompare(`${b.rule} ${b.case} ${b.logicalId}`));

  test('every rule failure is acknowledged on its resource with a reason', () => {
    expect(validator.ruleIds!.length).toBeGreaterThan(200);
    expect(violations.filter((v) => !v.acknowledged).map((v) => `${v.case}: ${v.rule} on ${v.logicalId}`)).toEqual([]);
  });

  test('every acknowledgement is still needed', () => {
    const stale: string[] = [];
    for (const { c } of files) {
      for (const [id, r] of Object.entries<any>(c.template.Resources)) {
        for (const rule of r.Metadata?.guard?.SuppressedRules ?? []) {
          if (!violations.some((v) => v.case === c.id && v.logicalId === id && v.rule === rule)) stale.push(`${c.id}: ${rule} on ${id}`);
        }
      }
    }
    expect(stale).toEqual([]);
  });

  test('the results are written and SECURITY.md shows them', () => {
    const results: ArchiveResults = {
      simulator: `@cloud-copilot/iam-simulate ${packageVersion('@cloud-copilot/iam-simulate')}`,
      cases: SCENARIOS.map(({ id, title, settings }) => ({ id, title, settings })),
      answers: answers.map((a) => ({ ...a })),
      guard: {
        validator: `@cdklabs/cdk-validator-cfnguard ${packageVersion('@cdklabs/cdk-validator-cfnguard')}`,
        rulesEvaluated: validator.ruleIds!.length,
        cases: GUARD_CASES.map((c) => ({
          id: c.id, title: c.title, settings: c.settings, resources: Object.keys(c.template.Resources).length,
          violations: violations.filter((v) => v.case === c.id).length,
          unacknowledged: violations.filter((v) => v.case === c.id && !v.acknowledged).length,
        })),
        violations,
      },
    };
    expect(results.answers.length).toBe(answers.length);
    writeResults('archive', results);
    const drift = checkSection('archive', results);
    if (process.env.SECURITY_REPORT_UPDATE !== '1') expect(drift).toBeUndefined();
  });
});
