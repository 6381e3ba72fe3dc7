/**
 * Windowed counts for the tweet pipeline, as keys a reduceByKeyAndWindow can count: each classified
 * record gives a total key, its cluster, its label and each distinct hashtag within its cluster. The
 * window's counts turn back into WindowStats (counts per cluster with the top hashtags of each) and
 * per-label counts. Pure functions.
 */
import type { Classified } from '../sinks/types.js';
import type { WindowStats } from './pipeline-types.js';

const TOTAL = 'n';
const SEP = '\t';
const HASHTAG = /(?<![\p{L}\p{M}\p{N}_&])#([\p{L}\p{M}\p{N}_]+)/gu;

/** Distinct hashtags of a text, lower-cased, with their '#'. */
export function hashtags(text: string): string[] {
  if (!text.includes('#')) return []; // most texts: no regex pass
  const out = new Set<string>();
  for (const m of text.matchAll(HASHTAG)) out.add('#' + m[1].toLowerCase());
  return [...out];
}

export function clusterKey(cluster: number | null): string {
  return cluster === null ? 'none' : String(cluster);
}

/** The keys one record adds 1 to. */
export function windowKeys(c: Classified): string[] {
  const cluster = clusterKey(c.cluster);
  const keys = [TOTAL, `c${SEP}${cluster}`, `l${SEP}${c.label ?? 'unknown'}`];
  if (c.cluster !== null) for (const tag of hashtags(c.record.value.text)) keys.push(`h${SEP}${cluster}${SEP}${tag}`);
  return keys;
}

export interface WindowCounts extends WindowStats {
  /** Records per predicted label ("unknown" for null). */
  perLabel: Record<string, number>;
  /** Records whose text had no features (no cluster). */
  unclustered: number;
}

export function emptyWindowStats(windowMs: number, slideMs: number, asOf = 0): WindowCounts {
  return { windowMs, slideMs, asOf, total: 0, clusters: [], perLabel: {}, unclustered: 0 };
}

/** WindowStats from the window's key counts; clusters by count (then index), hashtags by count (then tag). */
export function buildWindowStats(
  entries: ReadonlyArray<readonly [string, number]>,
  o: { windowMs: number; slideMs: number; asOf: number; labels: ReadonlyArray<string | null>; topHashtags?: number },
): WindowCounts {
  const top = o.topHashtags ?? 10;
  const stats = emptyWindowStats(o.windowMs, o.slideMs, o.asOf);
  const clusters = new Map<number, { count: number; tags: Array<{ tag: string; count: number }> }>();
  const cluster = (j: number) => {
    let c = clusters.get(j);
    if (!c) clusters.set(j, (c = { count: 0, tags: [] }));
    return c;
  };
  for (const [key, count] of entries) {
    if (count <= 0) continue;
    const parts = key.split(SEP);
    if (parts[0] === TOTAL) stats.total = count;
    else if (parts[0] === 'l') stats.perLabel[parts[1]] = count;
    else if (parts[0] === 'c') {
      if (parts[1] === 'none') stats.unclustered = count;
      else cluster(Number(parts[1])).count = count;
    } else if (parts[0] === 'h') cluster(Number(parts[1])).tags.push({ tag: parts.slice(2).join(SEP), count });
  }
  stats.clusters = [...clusters]
    .filter(([, c]) => c.count > 0)
    .sort((a, b) => b[1].count - a[1].count || a[0] - b[0])
    .map(([j, c]) => ({
      cluster: j,
      label: o.labels[j] ?? null,
      count: c.count,
      topHashtags: c.tags.sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0)).slice(0, top),
    }));
  return stats;
}

/** A printable block of window counts (the CLI's --window output), after a pprint-style header. */
export function formatWindowCounts(s: WindowCounts): string[] {
  const secs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
  const lines = [`window ${secs(s.windowMs)} every ${secs(s.slideMs)}: ${s.total} records`];
  for (const c of s.clusters) {
    const tags = c.topHashtags.length ? '  ' + c.topHashtags.map((t) => `${t.tag}(${t.count})`).join(' ') : '';
    lines.push(`cluster ${c.cluster} (${c.label ?? 'unlabelled'}): ${c.count}${tags}`);
  }
  if (s.unclustered) lines.push(`no features: ${s.unclustered}`);
  for (const [label, n] of Object.entries(s.perLabel).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) lines.push(`label ${label}: ${n}`);
  return lines;
}
