import { ChildProcess, fork } from 'child_process';
import * as path from 'path';

const REGISTER = path.join(__dirname, '..', '..', 'tooling', 'ts-register.js');

/**
 * The DuckDB stand-in for Athena (./duckdb.ts, `AthenaStandIn`), run in a child process
 * (./duckdb-child.ts): the same calls, answered over IPC with structured clone, so that rows keep
 * their types. Closing ends the process, and with it DuckDB's native handles.
 */
export class AthenaProcess {
  public static async open(prefixRoot: string, priceDir: string): Promise<AthenaProcess> {
    const child = fork(path.join(__dirname, 'duckdb-child.ts'), [], { execArgv: ['--require', REGISTER], serialization: 'advanced', stdio: 'inherit' });
    const db = new AthenaProcess(child);
    await db.call('open', [prefixRoot, priceDir]);
    return db;
  }

  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`the DuckDB process ended (exit ${code})`));
      this.pending.clear();
    });
  }

  /** `AthenaStandIn.query`: rows as plain objects. */
  public query(sql: string, parameters: string[] = []): Promise<Array<Record<string, unknown>>> {
    return this.call('query', [sql, parameters]);
  }

  /** `AthenaStandIn.usePrices`. */
  public usePrices(priceDir: string): Promise<void> {
    return this.call('usePrices', [priceDir]);
  }

  /** Ends the process. */
  public close(): void {
    this.child.kill();
  }

  private call<T>(op: string, args: unknown[]): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, op, args });
    });
  }
}
