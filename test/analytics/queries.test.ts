/**
 * Every named query, exactly as the synthesized template holds it, run on DuckDB over objects laid
 * out as Bedrock writes them (test/analytics/fixtures.ts). Expected totals are computed here, in
 * TypeScript, from the generated records; only the setup (test/analytics/duckdb.ts) differs from
 * Athena.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BedrockInvocationLogging, BedrockLogAnalytics } from '../../lib';
import {
  ERRORS_BY_MODEL_AND_CODE, ESTIMATED_COST, PRICE_TABLE_CHECK, PROMPT_CACHE, queriesFor, TOKENS_BY_CALLER, TOKENS_BY_MODEL_AND_DAY, tokensByTag,
} from '../../lib/analytics/private/queries';
import { AthenaProcess } from './athena-process';
import {
  BAD_PRICES_CSV, DAYS, EMPTY_DAY, Fixture, generate, HAIKU, InvocationRecord, LATER_DAY, LLAMA, PREFIX, PRICES_CSV, SONNET_PROFILE, Written,
} from './fixtures';

const TAG_KEYS = ['team', 'CostCenter'];
const FIRST = DAYS[0];
const LAST = LATER_DAY;

let dir: string;
let fixture: Fixture;
let db: AthenaProcess;
/** QueryString of each named query in the synthesized template, by Name. */
let templateSql: Map<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bedrock-analytics-'));
  fixture = generate(path.join(dir, 'bucket'));
  writePrices('prices', PRICES_CSV);
  writePrices('bad-prices', BAD_PRICES_CSV);
  db = await AthenaProcess.open(path.join(fixture.root, PREFIX), path.join(dir, 'prices'));

  const app = new App();
  const stack = new Stack(app, 'Analytics');
  const invocationLogging = BedrockInvocationLogging.fromExisting(stack, 'Logs', { bucket: s3.Bucket.fromBucketName(stack, 'LogBucket', 'logs'), keyPrefix: 'bedrock' });
  new BedrockLogAnalytics(stack, 'Analytics', { invocationLogging, requestMetadataKeys: TAG_KEYS });
  const queries = Template.fromStack(stack).findResources('AWS::Athena::NamedQuery');
  templateSql = new Map(Object.values(queries).map((q: any) => [q.Properties.Name, q.Properties.QueryString]));
});

afterAll(() => {
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function writePrices(folder: string, csv: string): void {
  fs.mkdirSync(path.join(dir, folder), { recursive: true });
  fs.writeFileSync(path.join(dir, folder, 'prices.csv'), csv);
}

/** The SQL of a named query as deployed; fails if the template does not hold exactly the module's text. */
function sqlOf(query: { name: string; sql: string }): string {
  const deployed = templateSql.get(query.name);
  expect(deployed).toBe(query.sql);
  return deployed!;
}

// ---- expected values, computed from the records -------------------------------------------------

const valid = (from = FIRST, to = LAST): Written[] => fixture.written.filter((w) => w.dt >= from && w.dt <= to);
const dayOf = (r: InvocationRecord) => r.timestamp.slice(0, 10);
const modelOf = (r: InvocationRecord) => r.modelId.split('/').pop()!;
const principalOf = (arn: string) => (arn.includes(':assumed-role/') ? arn.split('/')[1] : arn.split(/[/:]/).pop()!);

interface Sums { calls: number; input_tokens: number; cache_read_input_tokens: number; cache_write_input_tokens: number; output_tokens: number }

function sums(ws: Written[]): Sums {
  return {
    calls: ws.length,
    input_tokens: total(ws, (r) => r.input.inputTokenCount),
    cache_read_input_tokens: total(ws, (r) => r.input.cacheReadInputTokenCount),
    cache_write_input_tokens: total(ws, (r) => r.input.cacheWriteInputTokenCount),
    output_tokens: total(ws, (r) => r.output?.outputTokenCount),
  };
}

const total = (ws: Written[], f: (r: InvocationRecord) => number | undefined) => ws.reduce((a, w) => a + (f(w.record) ?? 0), 0);

/** Groups by the key columns and returns rows sorted as `ORDER BY` would (NULLs last). */
function grouped<K extends Record<string, string | null>, V extends object>(ws: Written[], key: (w: Written) => K, value: (group: Written[]) => V): Array<K & V> {
  const groups = new Map<string, { k: K; ws: Written[] }>();
  for (const w of ws) {
    const k = key(w);
    const id = JSON.stringify(k);
    groups.set(id, { k, ws: [...groups.get(id)?.ws ?? [], w] });
  }
  const rows = [...groups.values()].map(({ k, ws: g }) => ({ ...k, ...value(g) }));
  const cols = rows.length > 0 ? Object.keys(key(ws[0])) : [];
  return rows.sort((a, b) => {
    for (const c of cols) {
      const x = (a as any)[c] as string | null;
      const y = (b as any)[c] as string | null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return x < y ? -1 : 1;
    }
    return 0;
  });
}

// ---- the fixture is what the tests claim ---------------------------------------------------------

test('the fixture covers what Bedrock writes: accounts, Regions, days, hours, streaming, cache, errors, metadata, ARNs', () => {
  const ws = fixture.written;
  expect(new Set(ws.map((w) => w.account)).size).toBe(2);
  expect(new Set(ws.map((w) => w.region)).size).toBe(2);
  expect(new Set(ws.map((w) => w.dt)).size).toBeGreaterThanOrEqual(4);
  expect(new Set(ws.map((w) => w.record.timestamp.slice(11, 13))).size).toBeGreaterThanOrEqual(4);
  expect(ws.some((w) => Array.isArray(w.record.output?.outputBodyJson))).toBe(true);
  expect(ws.some((w) => w.record.operation === 'ConverseStream')).toBe(true);
  expect(ws.some((w) => (w.record.input.cacheReadInputTokenCount ?? 0) > 0)).toBe(true);
  expect(ws.filter((w) => w.record.errorCode).length).toBe(4);
  expect(ws.some((w) => w.record.requestMetadata?.CostCenter)).toBe(true);
  expect(ws.some((w) => w.record.modelId.startsWith('arn:') && w.record.modelId.includes(':foundation-model/'))).toBe(true);
  expect(ws.some((w) => dayOf(w.record) !== w.dt.replace(/\//g, '-'))).toBe(true);
  // Both sides of the Sonnet price change, and Haiku calls in the Region with its own price row.
  const ok = ws.filter((w) => !w.record.errorCode);
  expect(ok.some((w) => modelOf(w.record) === SONNET_PROFILE && dayOf(w.record) < '2026-01-15')).toBe(true);
  expect(ok.some((w) => modelOf(w.record) === SONNET_PROFILE && dayOf(w.record) >= '2026-01-15')).toBe(true);
  expect(ok.some((w) => modelOf(w.record) === HAIKU && w.region === 'eu-west-1')).toBe(true);
  expect(fixture.sidecars.every((f) => f.includes('/data/') && fs.existsSync(f))).toBe(true);
  expect(fixture.permissionChecks.every((f) => fs.statSync(f).size === 0)).toBe(true);
});

test('the view reads what Athena reads: every record, a NULL row per malformed line and per data/ sidecar line, nothing from the empty permission check', async () => {
  const rows = await db.query('SELECT count(*) AS n, count(schematype) AS records FROM bedrock_invocations');
  expect(rows).toEqual([{ n: fixture.written.length + fixture.malformedLines + fixture.sidecars.length, records: fixture.written.length }]);
  const sidecarRows = await db.query("SELECT count(*) AS n FROM bedrock_invocations WHERE schematype IS NULL AND output.outputtokencount IS NULL AND dt = '2026/01/15' AND log_account = '111122223333'");
  expect(sidecarRows).toEqual([{ n: fixture.sidecars.length }]);
});

// ---- one test per named query --------------------------------------------------------------------

test('tokens by model and day: calls and the four token sums per UTC day and model, data/ sidecars and malformed lines not counted', async () => {
  const rows = await db.query(sqlOf(TOKENS_BY_MODEL_AND_DAY), [FIRST, LAST]);
  const expected = grouped(valid(), (w) => ({ day: dayOf(w.record), model: modelOf(w.record) }), sums);
  expect(rows).toEqual(expected);
  // The day comes from the timestamp, not the folder: the 23:59:59 call in the 16th's 00 folder counts on the 15th.
  expect(rows.filter((r) => r.day === '2026-01-15').length).toBeGreaterThan(0);
  expect(rows.reduce((a, r) => a + (r.calls as number), 0)).toBe(fixture.written.length);
});

test('tokens by caller: per identity ARN, with the role name of assumed roles and the user name (path dropped) of IAM users', async () => {
  const rows = await db.query(sqlOf(TOKENS_BY_CALLER), [FIRST, LAST]);
  const expected = grouped(valid(), (w) => ({ caller_arn: w.record.identity.arn, principal_name: principalOf(w.record.identity.arn) }), sums);
  expect(rows).toEqual(expected);
  expect(new Set(rows.map((r) => r.principal_name))).toEqual(new Set(['checkout-api', 'batch-summarizer', 'alice']));
});

test.each(TAG_KEYS)('tokens by tag %s: per value of the requestMetadata key (NULL when unset) and model', async (key) => {
  const rows = await db.query(sqlOf(tokensByTag(key)), [FIRST, LAST]);
  const expected = grouped(valid(), (w) => ({ tag_value: w.record.requestMetadata?.[key] ?? null, model: modelOf(w.record) }), sums);
  expect(rows).toEqual(expected);
  expect(rows.some((r) => r.tag_value === null)).toBe(true);
  expect(rows.some((r) => r.tag_value !== null)).toBe(true);
});

test('errors by model and code: failed calls per day, account, Region, model id and error code; successful calls absent', async () => {
  const rows = await db.query(sqlOf(ERRORS_BY_MODEL_AND_CODE), [FIRST, LAST]);
  const expected = grouped(valid().filter((w) => w.record.errorCode),
    (w) => ({ day: dayOf(w.record), account: w.account, region: w.region, model_id: w.record.modelId, error_code: w.record.errorCode! }),
    (g) => ({ calls: g.length }));
  expect(rows).toEqual(expected);
  expect(rows.reduce((a, r) => a + (r.calls as number), 0)).toBe(4);
});

test('prompt cache: cache read and write tokens per day and model, hit ratio = cache read / all input tokens, NULL without input', async () => {
  const rows = await db.query(sqlOf(PROMPT_CACHE), [FIRST, LAST]);
  const expected = grouped(valid(), (w) => ({ day: dayOf(w.record), model: modelOf(w.record) }), (g) => {
    const s = sums(g);
    const all = s.input_tokens + s.cache_read_input_tokens + s.cache_write_input_tokens;
    return { ...s, cache_hit_ratio: all === 0 ? null : s.cache_read_input_tokens / all };
  });
  expect(rows).toEqual(expected);
  expect(rows.some((r) => (r.cache_hit_ratio as number) > 0)).toBe(true);
});

test('estimated cost: per day and model from the price table (effective dates, Region row over * row), failed calls excluded, unpriced calls counted', async () => {
  const prices = PRICES_CSV.trim().split('\n').slice(1).map((line) => {
    const [model_key, region, from, to, i, o, cr, cw] = line.split(',');
    const num = (x: string) => (x === '' ? null : Number(x));
    return { model_key, region, from, to: to || '9999-12-31', i: num(i)!, o: num(o)!, cr: num(cr), cw: num(cw) };
  });
  /** Micro-dollars of one call, or null when it cannot be priced. */
  const costOf = (w: Written): number | null => {
    const day = dayOf(w.record);
    const match = (region: string) => prices.find((p) => p.model_key === modelOf(w.record) && p.region === region && day >= p.from && day < p.to);
    const p = match(w.region) ?? match('*');
    if (!p) return null;
    let micro = 0;
    for (const [tokens, price] of [
      [w.record.input.inputTokenCount ?? 0, p.i], [w.record.output?.outputTokenCount ?? 0, p.o],
      [w.record.input.cacheReadInputTokenCount ?? 0, p.cr], [w.record.input.cacheWriteInputTokenCount ?? 0, p.cw],
    ] as Array<[number, number | null]>) {
      if (tokens === 0) continue;
      if (price === null) return null;
      micro += tokens * price;
    }
    return micro;
  };
  const rows = await db.query(sqlOf(ESTIMATED_COST), [FIRST, LAST]);
  const expected = grouped(valid().filter((w) => !w.record.errorCode), (w) => ({ day: dayOf(w.record), model: modelOf(w.record) }), (g) => {
    const costs = g.map(costOf);
    const priced = costs.filter((c): c is number => c !== null);
    return {
      calls: g.length,
      unpriced_calls: costs.length - priced.length,
      estimated_usd: priced.length === 0 ? null : priced.reduce((a, b) => a + b, 0) / 1e6,
    };
  });
  expect(priced(expected)).toBeGreaterThan(0);
  expect(rows).toEqual(expected);
  // Every kind of unpriced call is present: no row (Llama), and tokens without a price (Haiku cache read).
  expect(rows.filter((r) => r.model === LLAMA).every((r) => r.unpriced_calls === r.calls && r.estimated_usd === null)).toBe(true);
  expect(rows.some((r) => r.model === HAIKU && (r.unpriced_calls as number) > 0 && (r.unpriced_calls as number) < (r.calls as number))).toBe(true);
});

const priced = (rows: Array<{ estimated_usd: number | null }>) => rows.filter((r) => r.estimated_usd !== null).length;

test('price table check: no rows for a consistent table; overlapping periods and bad dates reported, a Region override is not an overlap', async () => {
  expect(await db.query(sqlOf(PRICE_TABLE_CHECK))).toEqual([]);
  try {
    await db.usePrices(path.join(dir, 'bad-prices'));
    const rows = await db.query(sqlOf(PRICE_TABLE_CHECK));
    expect(rows.map((r) => `${r.model_key} ${r.region} ${r.effective_from} ${r.effective_to ?? ''}: ${r.problem}`)).toEqual([
      'amazon.nova-lite-v1:0 * 2026/01/01 : effective_from or effective_to is not YYYY-MM-DD, or the period ends before it starts',
      'amazon.nova-lite-v1:0 us-east-1 2026-03-01 2026-02-01: effective_from or effective_to is not YYYY-MM-DD, or the period ends before it starts',
      'anthropic.claude-3-haiku-20240307-v1:0 * 2024-01-01 2026-02-01: overlaps another period of this model and Region',
    ]);
  } finally {
    await db.usePrices(path.join(dir, 'prices'));
  }
});

// ---- behaviours every query shares ---------------------------------------------------------------

test('a malformed line costs nothing but itself: the records before and after it in the same object are counted', async () => {
  const rows = await db.query(sqlOf(TOKENS_BY_MODEL_AND_DAY), ['2026/01/15', '2026/01/15']);
  const expected = grouped(valid('2026/01/15', '2026/01/15'), (w) => ({ day: dayOf(w.record), model: modelOf(w.record) }), sums);
  expect(rows).toEqual(expected);
  const neighbours = fixture.written.filter((w) => w.record.timestamp === '2026-01-15T09:01:00Z' || w.record.timestamp === '2026-01-15T09:03:00Z');
  expect(neighbours).toHaveLength(2);
  const nova = rows.find((r) => r.day === '2026-01-15' && r.model === 'amazon.nova-lite-v1:0');
  expect(nova?.calls).toBeGreaterThanOrEqual(2);
});

test('an empty day folder yields no rows from any query, and a range across it only the days around it', async () => {
  const all = queriesFor(TAG_KEYS);
  for (const q of all.filter((x) => x.parameters === 2)) {
    expect(await db.query(sqlOf(q), [EMPTY_DAY, EMPTY_DAY])).toEqual([]);
  }
  const across = await db.query(sqlOf(TOKENS_BY_MODEL_AND_DAY), ['2026/01/16', LATER_DAY]);
  expect(new Set(across.map((r) => r.day))).toEqual(new Set(['2026-01-15', '2026-01-16', '2026-01-18']));
  expect(across).toEqual(grouped(valid('2026/01/16', LATER_DAY), (w) => ({ day: dayOf(w.record), model: modelOf(w.record) }), sums));
});
