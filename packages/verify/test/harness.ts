/**
 * Runs `verify` (runVerify, the real AWS SDK over HTTP) against the local fake account, and reads
 * its printed table. `useFakeAccount()` starts the fake for the calling test file.
 */
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { createRegionClients, guardReadOnly, RegionClients, SessionCredentials } from '../src/clients';
import { formatTable } from '../src/report';
import { runVerify } from '../src/run';
import { CHECK_IDS, CHECK_TITLES, CheckId, CheckStatus, VerifyOptions, VerifyOutcome } from '../src/types';
import { FakeAccount, FakeAws, healthyAccount, NOPS_ROLE } from './fake-aws';

export const NOW = new Date('2026-03-10T12:30:00Z');
export const fake = new FakeAws(healthyAccount(NOW));
const saved: Record<string, string | undefined> = {};

/** Starts the fake before the file's tests and points the SDK at it; restores the environment after. */
export function useFakeAccount(): void {
  beforeAll(async () => {
    await fake.start();
    const env = { ...fake.env(), AWS_PROFILE: undefined, AWS_ENDPOINT_URL: undefined, AWS_REGION: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      setEnv(k, v);
    }
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      setEnv(k, v);
    }
    await fake.stop();
  });

  afterEach(() => {
    made.splice(0).forEach((c) => Object.values(c).forEach((client) => client.destroy()));
  });
}

function setEnv(key: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[key];
  } else {
    process.env[key] = value;
  }
}

export const OPTIONS: VerifyOptions = { regions: ['us-east-1'], nopsRoleName: NOPS_ROLE };

/** Clients for the fake (with an assumed role's credentials, if given); `ap-none-1` gets a Bedrock client whose endpoint does not resolve, as in a Region without Bedrock. */
const made: RegionClients[] = [];
export function clients(region: string, credentials?: SessionCredentials): RegionClients {
  const c = createRegionClients(region, credentials ? { credentials } : {});
  made.push(c);
  if (region !== 'ap-none-1') {
    return c;
  }
  const host = `bedrock.${region}.amazonaws.com`;
  const bedrock = guardReadOnly(new BedrockClient({
    region,
    maxAttempts: 1,
    requestHandler: {
      handle: async () => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: host });
      },
    },
  }));
  return { ...c, bedrock };
}

export async function verify(account: FakeAccount, options: VerifyOptions = OPTIONS): Promise<VerifyOutcome> {
  fake.reset(account);
  return runVerify(options, { clients, now: () => NOW });
}

/** The rows of the printed table: region (or `global`, the account's global checks) -> check title -> status. */
export function tableRows(outcome: VerifyOutcome): Record<string, Record<string, CheckStatus>> {
  const rows: Record<string, Record<string, CheckStatus>> = {};
  let region = '';
  const titles = Object.values(CHECK_TITLES).sort((a, b) => b.length - a.length);
  for (const line of formatTable(outcome.report!).split('\n')) {
    const header = /^([a-z]{2}(?:-[a-z]+)+-\d+|global)\s+\[/.exec(line);
    if (header) {
      region = header[1];
      rows[region] = {};
      continue;
    }
    const row = /^ {2}(PASS|FAIL|WARN|SKIP) {2}(.*)$/.exec(line);
    if (row) {
      const title = titles.find((t) => row[2].startsWith(t));
      expect(title).toBeDefined();
      rows[region][title!] = row[1] as CheckStatus;
    }
  }
  return rows;
}

/** Expected table rows: every check PASS unless listed. */
export function expectRows(outcome: VerifyOutcome, region: string, expected: Partial<Record<CheckId, CheckStatus>>, ids: readonly CheckId[] = CHECK_IDS): void {
  const want = Object.fromEntries(ids.map((id) => [CHECK_TITLES[id], expected[id] ?? 'PASS']));
  expect(tableRows(outcome)[region]).toEqual(want);
}

export function detail(outcome: VerifyOutcome, id: CheckId, region = 'us-east-1'): string {
  const row = outcome.report!.regions.find((r) => r.region === region)!.checks.find((c) => c.id === id)!;
  return `${row.detail} | fix: ${row.fix ?? ''}`;
}

export const S3_ONLY_SKIPS: Partial<Record<CheckId, CheckStatus>> = {
  'cloudwatch-log-group': 'SKIP', 'cloudwatch-retention': 'SKIP', 'cloudwatch-encryption': 'SKIP',
  'cloudwatch-role-trust': 'SKIP', 'cloudwatch-large-data': 'SKIP', 'nops-legacy-logs': 'SKIP',
};

