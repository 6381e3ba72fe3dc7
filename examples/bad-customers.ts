/**
 * A stream joined with a static table (Spark's transform(rdd => rdd.join(table))): card transactions
 * arrive every second; those of customers on a known-bad list are flagged with the reason.
 *
 *   node --import tsx examples/bad-customers.ts [examples/data/bad-customers.csv]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/linalg/random.js';
import { StreamingContext } from '../src/stream/context.js';
import type { DStream } from '../src/stream/dstream.js';
import { isMain } from './run.js';

export interface Transaction {
  id: number;
  customer: string;
  amount: number;
}

/** customer,reason lines (a header line is skipped). */
export function readBadCustomers(file: string): Map<string, string> {
  const rows = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  return new Map(rows.filter((l) => !l.startsWith('customer,')).map((l) => l.split(',', 2) as [string, string]));
}

export function flagged(tx: DStream<Transaction>, bad: ReadonlyMap<string, string>): DStream<string> {
  return tx
    .map((t): [string, Transaction] => [t.customer, t])
    .join(bad)
    .map(([customer, [t, reason]]) => `FLAGGED tx ${t.id}: ${customer} paid ${t.amount.toFixed(2)} (${reason})`);
}

export function simulate(batches: number, seed = 3): Transaction[][] {
  const rng = createRng(seed);
  let id = 0;
  return Array.from({ length: batches }, () =>
    Array.from({ length: 3 + rng.int(6) }, () => ({ id: ++id, customer: `C${String(1 + rng.int(40)).padStart(3, '0')}`, amount: Math.round(rng.next() * 50000) / 100 })),
  );
}

if (isMain(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bad = readBadCustomers(process.argv[2] ?? path.join(here, 'data', 'bad-customers.csv'));
  const ctx = new StreamingContext({ batchMs: 1000, stopWhenDone: true });
  const tx = ctx.queueStream(simulate(20));
  tx.count().map((n) => `${n} transactions`).print();
  flagged(tx, bad).print(100);
  await ctx.start();
  await ctx.done;
}
