/**
 * The only part that differs from Athena: the setup DuckDB needs to run the named queries' exact
 * text over files laid out as in S3.
 *
 * 1. `bedrock_invocations` is a view over every object under each day folder (`**`: hour folders,
 *    `data/` sidecars and anything else, as Athena reads a partition's location), read as
 *    newline-delimited JSON with the columns of the Glue table (INVOCATION_FIELDS, in the record's
 *    own key case, because DuckDB matches JSON keys case-sensitively where the OpenX SerDe does
 *    not). A malformed line reads as a row of NULLs, as with `ignore.malformed.json`.
 * 2. The partition columns are taken from the object key, with the location template the Glue
 *    table projects (DAY_FOLDER_TEMPLATE).
 * 3. `element_at(map, key)` stands in for Trino's (DuckDB's returns a list).
 * 4. `bedrock_prices` reads every object under the price folder as CSV with a header line and the
 *    price table's columns, in order (LazySimpleSerDe maps fields by position).
 */
import * as path from 'path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DAY_FOLDER_TEMPLATE, INVOCATION_FIELDS, INVOCATIONS_TABLE, JsonField, PARTITION, PRICE_COLUMNS, PRICES_TABLE } from '../../lib/analytics/facts';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

function duckType(type: JsonField['type']): string {
  if (type === 'string') return 'VARCHAR';
  if (type === 'bigint') return 'BIGINT';
  if (type === 'map<string,string>') return 'MAP(VARCHAR, VARCHAR)';
  return `STRUCT(${type.struct.map((f) => `"${f.key}" ${duckType(f.type)}`).join(', ')})`;
}

/** `{ key: 'TYPE', ... }` for read_json's `columns`. */
export function invocationColumns(): string {
  return `{${INVOCATION_FIELDS.map((f) => `${sqlString(f.key)}: ${sqlString(duckType(f.type))}`).join(', ')}}`;
}

/**
 * The glob of every object under every day folder, and the regular expression that takes the
 * partition values back out of a key, both from the Glue table's location template.
 */
export function partitionLayout(prefixRoot: string): { glob: string; pattern: string; names: string[] } {
  const names: string[] = [];
  const parts = DAY_FOLDER_TEMPLATE.split(/(\$\{[a-z_]+\})/);
  let glob = '';
  let pattern = '';
  for (const part of parts) {
    const m = /^\$\{([a-z_]+)\}$/.exec(part);
    if (!m) {
      glob += part;
      pattern += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (m[1] === PARTITION.day) {
      names.push(m[1]);
      glob += '*/*/*';
      pattern += '(\\d{4}/\\d{2}/\\d{2})';
    } else {
      names.push(m[1]);
      glob += '*';
      pattern += '([^/]+)';
    }
  }
  return { glob: `${prefixRoot}/${glob}**`, pattern: `/${pattern}`, names };
}

/** An in-memory DuckDB with the two views; `prefixRoot` is the directory that stands for `s3://BUCKET/PREFIX/`. */
export class AthenaStandIn {
  public static async open(prefixRoot: string, priceDir: string): Promise<AthenaStandIn> {
    const instance = await DuckDBInstance.create(':memory:');
    const db = new AthenaStandIn(instance, await instance.connect());
    await db.setup(prefixRoot, priceDir);
    return db;
  }

  private constructor(private readonly instance: DuckDBInstance, private readonly connection: DuckDBConnection) {}

  /** Runs `sql` with `?` parameters; rows as plain objects (BIGINT as number: every total here is below 2^53). */
  public async query(sql: string, parameters: string[] = []): Promise<Array<Record<string, unknown>>> {
    const reader = await this.connection.runAndReadAll(sql, parameters);
    return reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  }

  /** Replaces the price view with one over another folder. */
  public async usePrices(priceDir: string): Promise<void> {
    const columns = `{${PRICE_COLUMNS.map((c) => `${sqlString(c.name)}: ${sqlString(c.type === 'double' ? 'DOUBLE' : 'VARCHAR')}`).join(', ')}}`;
    await this.connection.run(`CREATE OR REPLACE VIEW ${PRICES_TABLE} AS
      SELECT * FROM read_csv(${sqlString(path.join(priceDir, '*'))}, header = true, delim = ',', quote = '', escape = '', columns = ${columns})`);
  }

  /** Closes the connection and the instance. */
  public close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async setup(prefixRoot: string, priceDir: string): Promise<void> {
    const layout = partitionLayout(prefixRoot);
    const partitions = layout.names.map((name, i) => `regexp_extract(filename, ${sqlString(layout.pattern)}, ${i + 1}) AS ${name}`).join(',\n        ');
    await this.connection.run(`CREATE MACRO element_at(m, k) AS m[k]`);
    await this.connection.run(`CREATE VIEW ${INVOCATIONS_TABLE} AS
      SELECT * EXCLUDE (filename),
        ${partitions}
      FROM read_json(${sqlString(layout.glob)}, format = 'newline_delimited', filename = true, ignore_errors = true,
        columns = ${invocationColumns()})`);
    await this.usePrices(priceDir);
  }
}
