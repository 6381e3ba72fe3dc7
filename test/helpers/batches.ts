/** Building OutputBatches for sinks and the HTTP layer without running a pipeline. */
import type { Classified, OutputBatch } from '../../src/sinks/types.js';

export interface ItemSpec {
  text: string;
  cluster: number | null;
  label?: string | null;
  lang?: string;
  id?: string;
  distance?: number | null;
  receivedAt?: number;
}

let line = 0;

export function classified(s: ItemSpec, modelVersion = 1): Classified {
  line++;
  return {
    record: {
      value: { text: s.text, ...(s.lang ? { lang: s.lang } : {}), ...(s.id ? { id: s.id } : {}) },
      partition: 'test',
      next: line,
      receivedAt: s.receivedAt ?? 0,
    },
    cluster: s.cluster,
    label: s.label ?? null,
    distance: s.distance ?? (s.cluster === null ? null : 0.5),
    modelVersion,
  };
}

export function outputBatch(time: number, items: ItemSpec[], modelVersion = 1): OutputBatch {
  return { time, items: items.map((s) => classified(s, modelVersion)) };
}

/** n records cycling over `clusters`, texts "t<i>" (label "L<cluster>"). */
export function numbered(n: number, clusters: number[], start = 0): ItemSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const c = clusters[(start + i) % clusters.length];
    return { text: `t${start + i}`, cluster: c, label: `L${c}` };
  });
}
