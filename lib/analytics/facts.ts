/**
 * The two tables the FinOps queries read, stated once: the Glue table definitions and the DuckDB
 * views the tests read the same files with are both derived from these declarations.
 * No aws-cdk-lib import: the tests and the construct share it.
 */

/** Name of the table over `PREFIX/AWSLogs/`. */
export const INVOCATIONS_TABLE = 'bedrock_invocations';
/** Name of the table over the user's price CSV. */
export const PRICES_TABLE = 'bedrock_prices';

/** The only records the queries count; `data/` sidecars and malformed lines read as rows without it. */
export const INVOCATION_SCHEMA_TYPE = 'ModelInvocationLog';

/** A JSON field as Bedrock writes it (its key in its own case) and its Hive type. */
export interface JsonField {
  /** The key as it appears in the record, for example `inputTokenCount`. */
  readonly key: string;
  readonly type: 'string' | 'bigint' | 'map<string,string>' | { readonly struct: JsonField[] };
}

const s = (key: string): JsonField => ({ key, type: 'string' });
const n = (key: string): JsonField => ({ key, type: 'bigint' });

/**
 * The columns of `bedrock_invocations`: the record's metadata only. Prompt and completion bodies
 * (`inputBodyJson`, `outputBodyJson`) are left out on purpose: their shape varies by model and
 * streaming output is an array, and undeclared keys are not read.
 */
export const INVOCATION_FIELDS: JsonField[] = [
  s('schemaType'),
  s('schemaVersion'),
  s('timestamp'),
  s('accountId'),
  s('region'),
  s('requestId'),
  s('operation'),
  s('modelId'),
  s('inferenceRegion'),
  s('errorCode'),
  { key: 'identity', type: { struct: [s('arn')] } },
  // Caller-defined keys: a struct would need them fixed in advance.
  { key: 'requestMetadata', type: 'map<string,string>' },
  { key: 'input', type: { struct: [s('inputContentType'), s('inputBodyS3Path'), n('inputTokenCount'), n('cacheReadInputTokenCount'), n('cacheWriteInputTokenCount')] } },
  { key: 'output', type: { struct: [s('outputContentType'), s('outputBodyS3Path'), n('outputTokenCount')] } },
];

/**
 * Partition columns, projected from the object key. Their names differ from the data columns
 * `accountid` and `region` (Athena refuses a partition column that repeats a data column).
 */
export const PARTITION = {
  account: 'log_account',
  region: 'log_region',
  /** The day folder `yyyy/MM/dd`, as a string: the queries compare it with `BETWEEN ? AND ?`. */
  day: 'dt',
} as const;

/** Format of the `dt` partition: the three folders of the day. */
export const DAY_FORMAT = 'yyyy/MM/dd';

/** The object key below the prefix, up to the day folder, with the partition columns as `${name}` placeholders. */
export const DAY_FOLDER_TEMPLATE = `AWSLogs/\${${PARTITION.account}}/BedrockModelInvocationLogs/\${${PARTITION.region}}/\${${PARTITION.day}}/`;

/** A column of the price table; the CSV has these columns in this order, with a header line. */
export interface PriceColumn {
  readonly name: string;
  readonly type: 'string' | 'double';
  readonly description: string;
}

export const PRICE_COLUMNS: PriceColumn[] = [
  { name: 'model_key', type: 'string', description: 'last `/` segment of `modelId`, inference-profile prefix kept (for example `us.anthropic.claude-sonnet-4-20250514-v1:0`)' },
  { name: 'region', type: 'string', description: 'Region the call was logged in, or `*` for every Region; a Region row wins over a `*` row' },
  { name: 'effective_from', type: 'string', description: 'first day the price applies, `YYYY-MM-DD`' },
  { name: 'effective_to', type: 'string', description: 'first day it no longer applies, `YYYY-MM-DD`; empty = still in force' },
  { name: 'input_per_mtok', type: 'double', description: 'USD per million input tokens' },
  { name: 'output_per_mtok', type: 'double', description: 'USD per million output tokens' },
  { name: 'cache_read_per_mtok', type: 'double', description: 'USD per million cache-read input tokens; empty when the model has no prompt cache' },
  { name: 'cache_write_per_mtok', type: 'double', description: 'USD per million cache-write input tokens; empty when the model has no prompt cache' },
  { name: 'source', type: 'string', description: 'where the price came from (free text, not read by the queries)' },
];

/** The Hive type of a field, as Glue and Athena spell it (lower-case names). */
export function hiveType(type: JsonField['type']): string {
  if (typeof type === 'string') return type;
  return `struct<${type.struct.map((f) => `${f.key.toLowerCase()}:${hiveType(f.type)}`).join(',')}>`;
}

/** Glue column name: Hive names are lower case; the OpenX SerDe matches keys case-insensitively. */
export function columnName(field: JsonField): string {
  return field.key.toLowerCase();
}
