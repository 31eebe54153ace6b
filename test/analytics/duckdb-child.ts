/**
 * The DuckDB stand-in (./duckdb.ts) in a process of its own, serving ./athena-process.ts over IPC:
 * loading @duckdb/node-api leaves a native handle (its reference reaper) that keeps a process alive,
 * which would keep jest's worker from exiting after the suite.
 */
import { AthenaStandIn } from './duckdb';

let db: AthenaStandIn | undefined;

const handlers: Record<string, (...args: any[]) => Promise<unknown>> = {
  open: async (prefixRoot: string, priceDir: string) => { db = await AthenaStandIn.open(prefixRoot, priceDir); },
  query: async (sql: string, parameters: string[]) => db!.query(sql, parameters),
  usePrices: async (priceDir: string) => db!.usePrices(priceDir),
};

process.on('message', (message: { id: number; op: string; args: unknown[] }) => {
  handlers[message.op](...message.args).then(
    (result) => process.send!({ id: message.id, result }),
    (error: Error) => process.send!({ id: message.id, error: error.message }),
  );
});
