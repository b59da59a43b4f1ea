// The PostgreSQL connection pool the cluster-mode stores share (activities/outbox-postgres.ts,
// activities/case-record/postgres.ts): how a pool is opened and closed, a client borrowed, a transaction run, and
// tables created once by several workers starting at the same moment.
import { Pool, type PoolClient } from 'pg';

/** A database URL fit for logs: the password left out. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@');
}

/** A pool that survives a dropped idle connection (database restarted: it reconnects) and does not keep a stopping
 * process alive when idle. */
export function openPool(connectionString: string, maxConnections: number): Pool {
  const pool = new Pool({ connectionString, max: maxConnections, connectionTimeoutMillis: 10_000, allowExitOnIdle: true });
  pool.on('error', () => undefined);
  return pool;
}

/** Ends the pool; a second call does nothing. */
export async function closePool(pool: Pool): Promise<void> {
  if (!pool.ended) await pool.end();
}

/** Runs `fn` with a client borrowed from the pool, given back whatever happens. */
export async function withClient<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    return await fn(c);
  } finally {
    c.release();
  }
}

/** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
export function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (c) => {
    await c.query('BEGIN');
    try {
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

/**
 * The `init()` of a store: the first call runs `create` in a transaction holding the advisory lock `lock` (so workers
 * starting at once create the tables one after another), later calls wait for that same run. A failure is reported as
 * "<what> not usable: …" and the next call tries again.
 */
export function schemaInitializer(pool: Pool, opts: { lock: number; what: string; create: (c: PoolClient) => Promise<void> }): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    ready ??= inTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [opts.lock]);
      await opts.create(c);
    }).catch((err: Error) => {
      ready = undefined;
      throw new Error(`${opts.what} not usable: ${err.message}`);
    });
    return ready;
  };
}
