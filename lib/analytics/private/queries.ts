/**
 * The SQL of every named query, stated once: the construct puts this exact text into
 * `AWS::Athena::NamedQuery` `QueryString`, and the tests run this exact text on DuckDB.
 *
 * Written in the subset Athena engine version 3 (Trino) and DuckDB share, so that only the setup
 * differs between them (docs/analytics.md): sums cast to bigint, days taken from
 * the ISO timestamp with `substr`, every output column aliased, `GROUP BY` by ordinal, map lookups
 * with `element_at`, parameters (`?`) only in `WHERE`.
 * No aws-cdk-lib import: the tests and the construct share it.
 */
import { INVOCATION_SCHEMA_TYPE, INVOCATIONS_TABLE, PARTITION, PRICES_TABLE } from '../facts';

/** One named query. */
export interface AnalyticsQuery {
  /** Stable id: the construct id of the named query and the key users look it up by. */
  readonly id: string;
  /** `Name` of the named query (1-128 characters). */
  readonly name: string;
  /** `Description` of the named query: what it answers and its parameters. */
  readonly description: string;
  /** `QueryString`. */
  readonly sql: string;
  /** How many `?` parameters it takes (the first and last day, `yyyy/MM/dd`). */
  readonly parameters: number;
}

/** Named query names start with this, so that they sort together in the console. */
export const QUERY_NAME_PREFIX = 'bedrock-';

/** What the two parameters are, for descriptions and docs/analytics.md. */
export const DAY_PARAMETERS = `first and last day of the log folders to read, as 'yyyy/MM/dd' strings (the ${PARTITION.day} partition)`;

/**
 * Invocation records in the day range: nothing else under the prefix has this `schematype` (data/
 * sidecars, malformed lines and the permission-check object read as rows without it, or no rows).
 */
const LOG_RECORDS = `FROM ${INVOCATIONS_TABLE}
WHERE schematype = '${INVOCATION_SCHEMA_TYPE}'
  AND ${PARTITION.day} BETWEEN ? AND ?`;

/** The model as priced: the last `/` segment of a model id or ARN (inference-profile prefix kept). */
const MODEL = `regexp_extract(modelid, '[^/]+$')`;
/** The UTC day of the call, `YYYY-MM-DD`, from the RFC 3339 timestamp. */
const DAY = `substr("timestamp", 1, 10)`;

const TOKEN_SUMS = `count(*) AS calls,
  CAST(sum(coalesce(input.inputtokencount, 0)) AS bigint) AS input_tokens,
  CAST(sum(coalesce(input.cachereadinputtokencount, 0)) AS bigint) AS cache_read_input_tokens,
  CAST(sum(coalesce(input.cachewriteinputtokencount, 0)) AS bigint) AS cache_write_input_tokens,
  CAST(sum(coalesce(output.outputtokencount, 0)) AS bigint) AS output_tokens`;

export const TOKENS_BY_MODEL_AND_DAY: AnalyticsQuery = {
  id: 'TokensByModelAndDay',
  name: `${QUERY_NAME_PREFIX}tokens-by-model-and-day`,
  description: `Calls and tokens per UTC day and model. Parameters: ${DAY_PARAMETERS}.`,
  parameters: 2,
  sql: `SELECT ${DAY} AS day,
  ${MODEL} AS model,
  ${TOKEN_SUMS}
${LOG_RECORDS}
GROUP BY 1, 2
ORDER BY 1, 2`,
};

export const TOKENS_BY_CALLER: AnalyticsQuery = {
  id: 'TokensByCaller',
  name: `${QUERY_NAME_PREFIX}tokens-by-caller`,
  description: `Calls and tokens per caller ARN, with the role name (assumed roles) or user name. Parameters: ${DAY_PARAMETERS}.`,
  parameters: 2,
  // An assumed-role ARN is .../ROLE/SESSION (STS drops the role path); an IAM user ARN may have a path.
  sql: `SELECT identity.arn AS caller_arn,
  CASE WHEN identity.arn LIKE '%:assumed-role/%' THEN split_part(identity.arn, '/', 2)
    ELSE regexp_extract(identity.arn, '[^/:]+$') END AS principal_name,
  ${TOKEN_SUMS}
${LOG_RECORDS}
GROUP BY 1, 2
ORDER BY 1`,
};

/** requestMetadata keys Bedrock accepts (bedrock-runtime `RequestMetadataKeyString`), without tabs and newlines: never a quote, so safe in a SQL literal. */
export const REQUEST_METADATA_KEY_PATTERN = /^[A-Za-z0-9 :_@$#=\/+,.-]{1,256}$/;

/**
 * Calls and tokens per value of one `requestMetadata` key, and model. One query per key: Athena
 * takes parameters only in `WHERE`, and Trino's `UNNEST` of a map does not run on DuckDB.
 *
 * Which SerDe reads the map is not known: the original OpenX SerDe lower-cases map keys, Trino's
 * reader keeps them. A key with capitals is therefore looked up as written, then lower-cased.
 */
export function tokensByTag(key: string): AnalyticsQuery {
  if (!REQUEST_METADATA_KEY_PATTERN.test(key)) throw new Error(`not a requestMetadata key: ${JSON.stringify(key)}`);
  const lookups = [...new Set([key, key.toLowerCase()])].map((k) => `element_at(requestmetadata, '${k}')`);
  const value = lookups.length > 1 ? `coalesce(${lookups.join(', ')})` : lookups[0];
  return {
    id: `TokensByTag:${key.replace(/\//g, '%2F')}`,
    name: `${QUERY_NAME_PREFIX}tokens-by-tag-${key}`,
    description: `Calls and tokens per value of the requestMetadata key "${key}" (NULL: not set), and model. Parameters: ${DAY_PARAMETERS}.`,
    parameters: 2,
    sql: `SELECT ${value} AS tag_value,
  ${MODEL} AS model,
  ${TOKEN_SUMS}
${LOG_RECORDS}
GROUP BY 1, 2
ORDER BY 1, 2`,
  };
}

export const ERRORS_BY_MODEL_AND_CODE: AnalyticsQuery = {
  id: 'ErrorsByModelAndCode',
  name: `${QUERY_NAME_PREFIX}errors-by-model-and-code`,
  description: `Failed calls per UTC day, account, Region, model id and error code. Parameters: ${DAY_PARAMETERS}.`,
  parameters: 2,
  sql: `SELECT ${DAY} AS day,
  ${PARTITION.account} AS account,
  ${PARTITION.region} AS region,
  modelid AS model_id,
  errorcode AS error_code,
  count(*) AS calls
${LOG_RECORDS}
  AND errorcode IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5`,
};

export const PROMPT_CACHE: AnalyticsQuery = {
  id: 'PromptCache',
  name: `${QUERY_NAME_PREFIX}prompt-cache`,
  description: 'Prompt-cache read and write tokens per UTC day and model, and the hit ratio: cache-read tokens over all input tokens '
    + `(input + cache read + cache write; NULL when there were none). Parameters: ${DAY_PARAMETERS}.`,
  parameters: 2,
  sql: `SELECT ${DAY} AS day,
  ${MODEL} AS model,
  ${TOKEN_SUMS},
  CAST(sum(coalesce(input.cachereadinputtokencount, 0)) AS double)
    / nullif(sum(coalesce(input.inputtokencount, 0) + coalesce(input.cachereadinputtokencount, 0) + coalesce(input.cachewriteinputtokencount, 0)), 0) AS cache_hit_ratio
${LOG_RECORDS}
GROUP BY 1, 2
ORDER BY 1, 2`,
};

/** Open-ended periods: an empty `effective_to` (NULL, or '' if a SerDe keeps it) means still in force. */
const periodCovers = (p: string) => `c.day >= ${p}.effective_from AND c.day < coalesce(nullif(${p}.effective_to, ''), '9999-12-31')`;
const pick = (column: string) => `CASE WHEN r.model_key IS NOT NULL THEN r.${column} ELSE w.${column} END`;
/** One cost term: zero tokens cost nothing even without a price; tokens without a price make the call unpriced (NULL). */
const term = (tokens: string, price: string) => `CASE WHEN ${tokens} = 0 THEN 0 ELSE ${tokens} * ${price} END`;

export const ESTIMATED_COST: AnalyticsQuery = {
  id: 'EstimatedCost',
  name: `${QUERY_NAME_PREFIX}estimated-cost`,
  description: `Estimated on-demand cost in USD per UTC day and model from the ${PRICES_TABLE} table you maintain (a Region row wins over a '*' row; `
    + 'failed calls are not priced); unpriced_calls counts calls with no price row, or tokens of a kind the row has no price for. '
    + `An estimate, not the bill. Parameters: ${DAY_PARAMETERS}.`,
  parameters: 2,
  sql: `WITH c AS (
  SELECT ${DAY} AS day,
    ${PARTITION.region} AS region,
    ${MODEL} AS model_key,
    coalesce(input.inputtokencount, 0) AS input_tokens,
    coalesce(input.cachereadinputtokencount, 0) AS cache_read_tokens,
    coalesce(input.cachewriteinputtokencount, 0) AS cache_write_tokens,
    coalesce(output.outputtokencount, 0) AS output_tokens
  ${LOG_RECORDS.replace(/\n/g, '\n  ')}
    AND errorcode IS NULL
), p AS (
  SELECT c.*,
    r.model_key IS NOT NULL OR w.model_key IS NOT NULL AS has_price,
    ${pick('input_per_mtok')} AS input_price,
    ${pick('cache_read_per_mtok')} AS cache_read_price,
    ${pick('cache_write_per_mtok')} AS cache_write_price,
    ${pick('output_per_mtok')} AS output_price
  FROM c
  LEFT JOIN ${PRICES_TABLE} r ON r.model_key = c.model_key AND r.region = c.region AND ${periodCovers('r')}
  LEFT JOIN ${PRICES_TABLE} w ON w.model_key = c.model_key AND w.region = '*' AND ${periodCovers('w')}
), k AS (
  SELECT day, model_key,
    CASE WHEN has_price THEN ${term('input_tokens', 'input_price')}
      + ${term('cache_read_tokens', 'cache_read_price')}
      + ${term('cache_write_tokens', 'cache_write_price')}
      + ${term('output_tokens', 'output_price')} END AS cost_per_mtok
  FROM p
)
SELECT day,
  model_key AS model,
  count(*) AS calls,
  count_if(cost_per_mtok IS NULL) AS unpriced_calls,
  round(sum(cost_per_mtok) / 1e6, 6) AS estimated_usd
FROM k
GROUP BY 1, 2
ORDER BY 1, 2`,
};

export const PRICE_TABLE_CHECK: AnalyticsQuery = {
  id: 'PriceTableCheck',
  name: `${QUERY_NAME_PREFIX}price-table-check`,
  description: `Rows of ${PRICES_TABLE} that would make the estimated cost wrong: periods of the same model and Region that overlap `
    + '(their calls would be counted twice), and dates that are not YYYY-MM-DD or end before they start. No rows: the table is consistent.',
  parameters: 0,
  sql: `SELECT a.model_key AS model_key,
  a.region AS region,
  a.effective_from AS effective_from,
  a.effective_to AS effective_to,
  'overlaps another period of this model and Region' AS problem
FROM ${PRICES_TABLE} a
JOIN ${PRICES_TABLE} b ON b.model_key = a.model_key AND b.region = a.region
  AND b.effective_from >= a.effective_from
  AND b.effective_from < coalesce(nullif(a.effective_to, ''), '9999-12-31')
GROUP BY 1, 2, 3, 4, 5
HAVING count(*) > 1
UNION ALL
SELECT model_key, region, effective_from, effective_to,
  'effective_from or effective_to is not YYYY-MM-DD, or the period ends before it starts' AS problem
FROM ${PRICES_TABLE}
WHERE effective_from IS NULL
  OR effective_from NOT LIKE '____-__-__'
  OR (nullif(effective_to, '') IS NOT NULL AND (effective_to NOT LIKE '____-__-__' OR effective_to <= effective_from))
ORDER BY 1, 2, 3`,
};

/** The queries every `BedrockLogAnalytics` creates, whatever its `requestMetadataKeys`. */
export const FIXED_QUERIES: AnalyticsQuery[] = [TOKENS_BY_MODEL_AND_DAY, TOKENS_BY_CALLER, ERRORS_BY_MODEL_AND_CODE, PROMPT_CACHE, ESTIMATED_COST, PRICE_TABLE_CHECK];

/** The named queries for these `requestMetadata` keys, in the order of docs/analytics.md: the tag queries after the caller query. */
export function queriesFor(requestMetadataKeys: string[]): AnalyticsQuery[] {
  return [TOKENS_BY_MODEL_AND_DAY, TOKENS_BY_CALLER, ...requestMetadataKeys.map(tokensByTag), ERRORS_BY_MODEL_AND_CODE, PROMPT_CACHE, ESTIMATED_COST, PRICE_TABLE_CHECK];
}
