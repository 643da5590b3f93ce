import type { CounterRow, FetchedRows as RowsOf, RecordRow } from '@ntpass/core';
import type { Database, Statement } from 'better-sqlite3';

/** What `RowDriver.rows` returns, for SQLite's integer partition ids. */
type FetchedRows = RowsOf<number>;

/** One row of a fetch: slot (-1 = the partition id, then records, then counters), then by slot kind. */
type FetchRow = [slot: number, a: number, expiresAt: number | null, value: string | number | null];

/**
 * `RowDriver.rows` on SQLite: the partition's id and every record and counter
 * a small commit reads, in ONE statement (one step loop instead of one
 * prepared statement per row). A statement is prepared once per count of
 * records and counters, so a redemption (2 records, 2 counters) always runs
 * the same plan.
 */
export function fetchRows(db: Database): (partition: string, records: readonly string[], counters: readonly string[]) => FetchedRows {
  const plans = new Map<number, Statement<unknown[], FetchRow>>();
  const plan = (k: number, m: number): Statement<unknown[], FetchRow> => {
    const shape = k * 64 + m;
    let st = plans.get(shape);
    if (st === undefined) {
      const arms = ['SELECT -1, id, NULL, NULL FROM p'];
      for (let i = 0; i < k; i++) {
        arms.push(`SELECT ${i}, r.version, r.expires_at, r.value FROM p JOIN ntpass_records r ON r.pid = p.id AND r.key = ?`);
      }
      for (let j = 0; j < m; j++) {
        arms.push(`SELECT ${k + j}, 0, c.expires_at, c.value FROM p JOIN ntpass_counters c ON c.pid = p.id AND c.key = ?`);
      }
      const sql = `WITH p(id) AS (SELECT id FROM ntpass_partitions WHERE name = ?) ${arms.join(' UNION ALL ')}`;
      st = db.prepare<unknown[], FetchRow>(sql).raw(true) as Statement<unknown[], FetchRow>;
      plans.set(shape, st);
    }
    return st;
  };
  return (partition, records, counters) => {
    const k = records.length;
    const rows = plan(k, counters.length).all(partition, ...records, ...counters);
    let p: number | undefined;
    const recordRows: (RecordRow | undefined)[] = new Array<RecordRow | undefined>(k).fill(undefined);
    const counterRows: (CounterRow | undefined)[] = new Array<CounterRow | undefined>(counters.length).fill(undefined);
    for (const [slot, a, expiresAt, value] of rows) {
      if (slot < 0) p = a;
      else if (slot < k) recordRows[slot] = { value: value as string, version: a, expiresAt };
      else counterRows[slot - k] = { value: value as number, expiresAt };
    }
    return { p, records: recordRows, counters: counterRows };
  };
}
