/**
 * Invocation logs laid out exactly as Bedrock writes them, under a temporary directory that stands
 * for the bucket: `PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/REGION/YYYY/MM/DD/HH/*.json.gz`,
 * gzipped NDJSON, with `data/` sidecars, the zero-byte permission-check object, a malformed line
 * and an empty day folder. The records are returned with their folder, so that the tests compute
 * every expected total from them in TypeScript.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

export const PREFIX = 'bedrock';
export const ACCOUNTS = ['111122223333', '444455556666'];
export const REGIONS = ['us-east-1', 'eu-west-1'];
/** Day folders with records. */
export const DAYS = ['2026/01/14', '2026/01/15', '2026/01/16'];
/** A day folder that exists and holds nothing (an account that made no call). */
export const EMPTY_DAY = '2026/01/17';
/** A later day with records, so that a range can span the empty day. */
export const LATER_DAY = '2026/01/18';

export const SONNET_PROFILE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const NOVA = 'amazon.nova-lite-v1:0';
/** No price row: its calls are counted as unpriced. */
export const LLAMA = 'meta.llama3-8b-instruct-v1:0';

/** One record as written, and the folder it was written to (the partition values Athena projects). */
export interface Written {
  readonly account: string;
  readonly region: string;
  /** `yyyy/MM/dd` of the folder. */
  readonly dt: string;
  readonly record: InvocationRecord;
}

export interface InvocationRecord {
  schemaType: 'ModelInvocationLog';
  schemaVersion: '1.0';
  timestamp: string;
  accountId: string;
  region: string;
  requestId: string;
  operation: string;
  modelId: string;
  inferenceRegion?: string;
  errorCode?: string;
  identity: { arn: string };
  requestMetadata?: Record<string, string>;
  input: {
    inputContentType: string;
    inputBodyJson?: unknown;
    inputBodyS3Path?: string;
    inputTokenCount?: number;
    cacheReadInputTokenCount?: number;
    cacheWriteInputTokenCount?: number;
  };
  output?: {
    outputContentType: string;
    outputBodyJson?: unknown;
    outputBodyS3Path?: string;
    outputTokenCount?: number;
  };
}

/** What `generate` wrote besides the records: the things every query must not count. */
export interface Fixture {
  readonly root: string;
  readonly written: Written[];
  /** Lines that are not JSON, inside objects that also hold records. */
  readonly malformedLines: number;
  /** Single-line `data/` sidecars (each reads as one row without schemaType). */
  readonly sidecars: string[];
  readonly permissionChecks: string[];
}

/** Small deterministic generator (mulberry32): the same fixture on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ (t + Math.imul(t ^ (t >>> 14), 41 | t));
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPERATIONS = ['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream'];

function modelIdFor(model: string, account: string, region: string, variant: number): string {
  if (model === SONNET_PROFILE) return `arn:aws:bedrock:${region}:${account}:inference-profile/${model}`;
  // The same model is logged as a bare id or a foundation-model ARN, depending on how it was called.
  if (variant % 2 === 0) return `arn:aws:bedrock:${region}::foundation-model/${model}`;
  return model;
}

function callers(account: string): string[] {
  return [
    `arn:aws:sts::${account}:assumed-role/checkout-api/i-0abc123def4567890`,
    `arn:aws:sts::${account}:assumed-role/checkout-api/botocore-session-1768470000`,
    `arn:aws:sts::${account}:assumed-role/batch-summarizer/job-42`,
    `arn:aws:iam::${account}:user/ops/alice`,
  ];
}

/** Writes the fixture under `root` and returns what was written. */
export function generate(root: string): Fixture {
  const rnd = random(16);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  // Token counts are multiples of 8 and prices multiples of 1/8 USD: every cost is a whole number
  // of micro-dollars, so the rounded estimate can be compared exactly.
  const tokens = (max: number) => 8 * Math.floor(rnd() * (max / 8));
  const written: Written[] = [];
  const objects = new Map<string, string[]>();
  let n = 0;

  const folder = (account: string, region: string, dt: string, hour: string) =>
    path.join(root, PREFIX, 'AWSLogs', account, 'BedrockModelInvocationLogs', region, dt, hour);
  const add = (account: string, region: string, dt: string, hour: string, object: string, record: InvocationRecord) => {
    const key = path.join(folder(account, region, dt, hour), object);
    objects.set(key, [...objects.get(key) ?? [], JSON.stringify(record)]);
    written.push({ account, region, dt, record });
  };
  const record = (account: string, region: string, timestamp: string, model: string, over: Partial<InvocationRecord> = {}): InvocationRecord => {
    n += 1;
    const operation = pick(OPERATIONS);
    const streaming = operation.endsWith('Stream');
    const cached = model === SONNET_PROFILE && rnd() < 0.6;
    const metadata = pick<Record<string, string> | undefined>([
      { team: 'growth', env: 'prod' }, { team: 'platform' }, { CostCenter: 'cc-42', team: 'growth' }, undefined, {},
    ]);
    return {
      schemaType: 'ModelInvocationLog',
      schemaVersion: '1.0',
      timestamp,
      accountId: account,
      region,
      requestId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      operation,
      modelId: modelIdFor(model, account, region, n),
      ...(model === SONNET_PROFILE ? { inferenceRegion: pick(['us-east-1', 'us-west-2']) } : {}),
      identity: { arn: pick(callers(account)) },
      ...(metadata ? { requestMetadata: metadata } : {}),
      input: {
        inputContentType: 'application/json',
        inputBodyJson: { messages: [{ role: 'user', content: [{ text: `question ${n}` }] }] },
        inputTokenCount: tokens(4000),
        ...(cached ? { cacheReadInputTokenCount: tokens(20000), cacheWriteInputTokenCount: tokens(3000) } : {}),
      },
      output: {
        outputContentType: 'application/json',
        // Streaming output bodies are an array of chunks; the table does not declare bodies at all.
        outputBodyJson: streaming
          ? [{ contentBlockDelta: { delta: { text: 'an' } } }, { contentBlockDelta: { delta: { text: 'swer' } } }, { messageStop: { stopReason: 'end_turn' } }]
          : { output: { message: { role: 'assistant', content: [{ text: 'answer' }] } }, stopReason: 'end_turn' },
        outputTokenCount: tokens(1200),
      },
      ...over,
    };
  };

  // The bulk: every account, Region, day and a few hours, objects of 1-4 records.
  for (const account of ACCOUNTS) {
    for (const region of REGIONS) {
      for (const dt of [...DAYS, LATER_DAY]) {
        for (const hour of ['00', '09', '17', '23']) {
          if (rnd() < 0.25) continue;
          const objectsInHour = 1 + Math.floor(rnd() * 2);
          for (let o = 0; o < objectsInHour; o++) {
            const object = `${dt.replace(/\//g, '')}T${hour}${String(10 + o * 7).padStart(2, '0')}00Z_${account.slice(-4)}${o}.json.gz`;
            const records = 1 + Math.floor(rnd() * 4);
            for (let r = 0; r < records; r++) {
              const minute = String(Math.floor(rnd() * 60)).padStart(2, '0');
              const ts = `${dt.replace(/\//g, '-')}T${hour}:${minute}:${String(r).padStart(2, '0')}Z`;
              add(account, region, dt, hour, object, record(account, region, ts, pick([SONNET_PROFILE, SONNET_PROFILE, HAIKU, NOVA, LLAMA])));
            }
          }
        }
      }
    }
  }

  // Errors: logged with the input tokens counted and no output.
  const [a0, a1] = ACCOUNTS;
  const errorObject = '20260115T1200Z_errors.json.gz';
  for (const [account, region, model, code] of [
    [a0, 'us-east-1', SONNET_PROFILE, 'ThrottlingException'],
    [a0, 'us-east-1', SONNET_PROFILE, 'ThrottlingException'],
    [a0, 'us-east-1', HAIKU, 'ValidationException'],
    [a1, 'eu-west-1', NOVA, 'ModelTimeoutException'],
  ] as const) {
    const r = record(account, region, '2026-01-15T12:00:30Z', model);
    delete r.output;
    r.errorCode = code;
    add(account, region, '2026/01/15', '12', errorObject, r);
  }

  // A call logged just before midnight lands in the next day's first hour folder.
  add(a0, 'us-east-1', '2026/01/16', '00', '20260116T0000Z_late.json.gz', record(a0, 'us-east-1', '2026-01-15T23:59:59Z', HAIKU));

  // Haiku with cache tokens, whose price row has no cache prices: unpriced.
  add(a1, 'us-east-1', '2026/01/14', '09', '20260114T0930Z_cache.json.gz', record(a1, 'us-east-1', '2026-01-14T09:30:00Z', HAIKU, {
    operation: 'Converse',
    input: { inputContentType: 'application/json', inputTokenCount: 96, cacheReadInputTokenCount: 4096, cacheWriteInputTokenCount: 0 },
  }));

  // A large call: its bodies went to data/ sidecars, which sit under the same hour folder.
  const sidecars: string[] = [];
  const big = record(a0, 'us-east-1', '2026-01-15T17:45:00Z', SONNET_PROFILE, { operation: 'Converse' });
  const dataDir = path.join(folder(a0, 'us-east-1', '2026/01/15', '17'), 'data');
  const inputSidecar = path.join(dataDir, `${big.requestId}_input.json.gz`);
  const outputSidecar = path.join(dataDir, `${big.requestId}_output.json.gz`);
  big.input = { ...big.input, inputBodyJson: undefined, inputBodyS3Path: `s3://bucket/${path.relative(root, inputSidecar)}` };
  big.output = { ...big.output!, outputBodyJson: undefined, outputBodyS3Path: `s3://bucket/${path.relative(root, outputSidecar)}` };
  add(a0, 'us-east-1', '2026/01/15', '17', '20260115T1745Z_big.json.gz', big);
  // One line each, as the reader needs; a Converse output body has a top-level "output" key.
  writeGz(inputSidecar, `${JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'x'.repeat(2000) }] }], inferenceConfig: { maxTokens: 900 } })}\n`);
  writeGz(outputSidecar, `${JSON.stringify({ output: { message: { role: 'assistant', content: [{ text: 'y'.repeat(500) }] } }, stopReason: 'end_turn', usage: { inputTokens: 120000, outputTokens: 900 } })}\n`);
  sidecars.push(inputSidecar, outputSidecar);

  // A malformed line (a truncated write) between two records of one object.
  const broken = path.join(folder(a1, 'us-east-1', '2026/01/15', '09'), '20260115T0900Z_broken.json.gz');
  add(a1, 'us-east-1', '2026/01/15', '09', path.basename(broken), record(a1, 'us-east-1', '2026-01-15T09:01:00Z', NOVA));
  objects.get(broken)!.push('{"schemaType":"ModelInvocationLog","timestamp":"2026-01-15T09:02:00Z","input":{"inputTokenC');
  add(a1, 'us-east-1', '2026/01/15', '09', path.basename(broken), record(a1, 'us-east-1', '2026-01-15T09:03:00Z', NOVA));

  for (const [file, lines] of objects) writeGz(file, `${lines.join('\n')}\n`);

  // The zero-byte permission-check object; where Bedrock puts it is not documented, so in every plausible place.
  const permissionChecks = [
    path.join(root, PREFIX, 'amazon-bedrock-logs-permission-check'),
    path.join(root, PREFIX, 'AWSLogs', a0, 'BedrockModelInvocationLogs', 'amazon-bedrock-logs-permission-check'),
    path.join(folder(a0, 'us-east-1', '2026/01/15', '09'), 'amazon-bedrock-logs-permission-check'),
  ];
  for (const file of permissionChecks) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
  }
  for (const account of ACCOUNTS) {
    for (const region of REGIONS) fs.mkdirSync(path.join(root, PREFIX, 'AWSLogs', account, 'BedrockModelInvocationLogs', region, EMPTY_DAY), { recursive: true });
  }
  return { root, written, malformedLines: 1, sidecars, permissionChecks };
}

function writeGz(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, zlib.gzipSync(Buffer.from(text, 'utf8')));
}

/** The price CSV of the fixture (prices are multiples of 1/8 USD per million tokens). */
export const PRICES_CSV = [
  'model_key,region,effective_from,effective_to,input_per_mtok,output_per_mtok,cache_read_per_mtok,cache_write_per_mtok,source',
  // A price change on the 15th: calls before it use the first row, from it the second.
  `${SONNET_PROFILE},*,2025-06-01,2026-01-15,3,15,0.25,3.75,test`,
  `${SONNET_PROFILE},*,2026-01-15,,2.5,12.5,0.25,3.125,test`,
  // No cache prices: a Haiku call that read the cache cannot be priced.
  `${HAIKU},*,2024-01-01,,0.25,1.25,,,test`,
  // Region override: eu-west-1 calls use this row, not the * row.
  `${HAIKU},eu-west-1,2024-01-01,,0.5,1.5,,,test`,
  `${NOVA},*,2024-12-01,,0.125,0.5,0.125,0,test`,
].join('\n') + '\n';

/** A price table with the problems the check query reports. */
export const BAD_PRICES_CSV = [
  'model_key,region,effective_from,effective_to,input_per_mtok,output_per_mtok,cache_read_per_mtok,cache_write_per_mtok,source',
  `${HAIKU},*,2024-01-01,2026-02-01,0.25,1.25,,,overlaps the next`,
  `${HAIKU},*,2026-01-01,,0.25,1.25,,,overlapped`,
  `${HAIKU},eu-west-1,2024-01-01,,0.5,1.5,,,a Region override is not an overlap`,
  `${NOVA},*,2026/01/01,,0.125,0.5,,,slashes`,
  `${NOVA},us-east-1,2026-03-01,2026-02-01,0.125,0.5,,,ends before it starts`,
].join('\n') + '\n';
