/**
 * A minimal micro-batch loop for the Kafka tests, standing in for the streaming engine (branch `stream`):
 * read from a Source, cut batches by size (or when the source goes idle), classify with the holder's
 * current model, write the matching records to the sinks, and only then commit the batch's positions.
 * It is the engine's contract in a few lines, not a copy of the engine.
 */
import type { ModelHolder } from '../../src/clustering/model-holder.js';
import type { Prediction } from '../../src/clustering/predictor.js';
import type { Positions, Source, SourceRecord } from '../../src/sources/types.js';
import type { Classified, Sink } from '../../src/sinks/types.js';
import { createLogger } from '../../src/log.js';

export interface MiniPipelineOptions {
  source: Source;
  sinks: Sink[];
  holder: ModelHolder;
  keep?: (p: Prediction) => boolean;
  batchSize?: number;
  idleMs?: number;
  signal: AbortSignal;
  onBatch?: (info: { n: number; records: SourceRecord[]; matched: number; positions: Positions }) => void;
}

const IDLE = Symbol('idle');

export async function runMiniPipeline({ source, sinks, holder, keep = () => true, batchSize = 10, idleMs = 200, signal, onBatch }: MiniPipelineOptions): Promise<number> {
  const log = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const it = source.open({ signal, log })[Symbol.asyncIterator]();
  let batch: SourceRecord[] = [];
  let n = 0;
  let time = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    const snap = holder.current;
    const items: Classified[] = [];
    const positions: Positions = {};
    for (const r of records) {
      positions[r.partition] = r.next;
      const p = snap.predictor.predict(r.value.text);
      if (keep(p)) items.push({ record: r, ...p, modelVersion: snap.model.version });
    }
    time += 1000;
    for (const s of sinks) await s.write({ time, items });
    await source.commit?.(positions);
    onBatch?.({ n: ++n, records, matched: items.length, positions });
  };
  let pending = it.next();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([pending, new Promise<typeof IDLE>((res) => (timer = setTimeout(() => res(IDLE), idleMs)))]);
    clearTimeout(timer);
    if (r === IDLE) {
      await flush();
      continue;
    }
    if (r.done) break;
    batch.push(r.value);
    pending = it.next();
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return n;
}
