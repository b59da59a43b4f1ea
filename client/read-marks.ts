// Which notifications each console user has read: a small SQLite table beside the other data
// (`<data dir>/read-marks.sqlite`). Marks are per user name and notification key; marking twice keeps the first time.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

export class ReadMarks {
  private readonly db: Database.Database;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec('CREATE TABLE IF NOT EXISTS read_marks (user TEXT NOT NULL, key TEXT NOT NULL, read_at TEXT NOT NULL, PRIMARY KEY (user, key))');
  }

  static inDataDir(dataDir: string): ReadMarks {
    return new ReadMarks(join(dataDir, 'read-marks.sqlite'));
  }

  /** The keys among `keys` this user has read, with when. */
  readOf(user: string, keys: string[]): Map<string, string> {
    const out = new Map<string, string>();
    const stmt = this.db.prepare('SELECT key, read_at FROM read_marks WHERE user = ? AND key = ?');
    for (const key of keys) {
      const row = stmt.get(user, key) as { key: string; read_at: string } | undefined;
      if (row) out.set(row.key, row.read_at);
    }
    return out;
  }

  /** Marks these keys read for this user; returns how many were newly marked. */
  markRead(user: string, keys: string[], at = new Date().toISOString()): number {
    const stmt = this.db.prepare('INSERT OR IGNORE INTO read_marks (user, key, read_at) VALUES (?, ?, ?)');
    const run = this.db.transaction((ks: string[]) => ks.reduce((n, k) => n + stmt.run(user, k, at).changes, 0));
    return run(keys);
  }

  close(): void {
    this.db.close();
  }
}
