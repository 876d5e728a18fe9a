import Database from 'better-sqlite3';
import { migrations } from './migrations.js';

export type Db = Database.Database;

/** Opens the host's database: WAL for concurrent readers, foreign keys on, schema current. */
export function openDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  keepStatements(db);
  return db;
}

const KEPT_STATEMENTS = 500;

/**
 * The stores prepare their SQL at each call; compiling it again each time was most of a lookup's
 * cost (about 17 µs of 22 for a computer by id), and an API call makes several (the key, the
 * computer, its state). Prepared once here and reused: statements are used synchronously and
 * none is iterated or switched to raw or pluck mode, so a kept one is always as fresh as a new one.
 * The few SQL texts built from a patch's fields stay bounded; past KEPT_STATEMENTS all are dropped.
 */
function keepStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const kept = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let st = kept.get(sql);
    if (!st) {
      if (kept.size >= KEPT_STATEMENTS) kept.clear();
      st = prepare(sql);
      kept.set(sql, st);
    }
    return st;
  }) as Db['prepare'];
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`the database is from a newer host (schema ${current}, this host knows ${migrations.length})`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
