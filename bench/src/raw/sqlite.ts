import Database from 'better-sqlite3';

export type Synchronous = 'NORMAL' | 'FULL';

/** Opens a WAL database file with the given durability, as the store does. */
export function openRawSqlite(filename: string, synchronous: Synchronous): Database.Database {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * The raw SQLite baseline: one `BEGIN IMMEDIATE` transaction of one SELECT
 * and one guarded UPDATE per redemption, statements prepared once.
 */
export function rawSqliteRedeemer(db: Database.Database, codes: number, cap: number): (n: number) => Promise<boolean> {
  db.exec('CREATE TABLE IF NOT EXISTS raw_tickets (code TEXT PRIMARY KEY, cap INTEGER NOT NULL, redemptions INTEGER NOT NULL) WITHOUT ROWID');
  const insert = db.prepare('INSERT OR REPLACE INTO raw_tickets (code, cap, redemptions) VALUES (?, ?, 0)');
  db.transaction(() => {
    for (let i = 0; i < codes; i++) insert.run(`code-${i}`, cap);
  })();
  const select = db.prepare<[string], { cap: number; redemptions: number }>('SELECT cap, redemptions FROM raw_tickets WHERE code = ?');
  const update = db.prepare('UPDATE raw_tickets SET redemptions = redemptions + 1 WHERE code = ? AND redemptions < cap');
  const redeem = db.transaction((code: string) => {
    const row = select.get(code);
    if (!row || row.redemptions >= row.cap) return false;
    return update.run(code).changes === 1;
  });
  return async (n) => redeem.immediate(`code-${n % codes}`);
}
