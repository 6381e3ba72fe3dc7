/**
 * The distributed fold equals the single-process fold: N members each assign their share of a round's
 * batch with the model they hold, publish sparse stats, and the updater merges the round and folds it
 * once. The reference below is one process doing MLlib's update on the whole batch, written out here
 * with the fold rule (foldStats) and the predictor, not with the code under test.
 */
import { describe, expect, it } from 'vitest';
import { UpdaterCore, stateFromModel, modelFromState } from '../../src/distributed/updater-core.js';
import { encodeStats } from '../../src/distributed/stats-codec.js';
import { batchStats } from '../../src/distributed/batch-stats.js';
import { Predictor } from '../../src/clustering/predictor.js';
import { addPoint, emptyStats, foldStats, resolveDecay, type Decay } from '../../src/clustering/streaming-kmeans.js';
import type { ClusterModel } from '../../src/clustering/model.js';
import { DEFAULT_FEATURES } from '../../src/config.js';
import { fakeTexts, tinyModel } from '../helpers/models.js';

function clock(start = 5_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** One process: every round's whole batch, assigned with the current model, folded once. */
function singleProcess(model: ClusterModel, rounds: string[][], decay: Decay): Float64Array[] {
  const state = stateFromModel(model);
  const history: Float64Array[] = [];
  let current = model;
  rounds.forEach((texts, r) => {
    const predictor = new Predictor(current);
    const stats = emptyStats(model.k, model.features.numFeatures);
    for (const t of texts) {
      const v = predictor.featurizer.transform(t);
      const p = predictor.predictVector(v);
      if (p.cluster !== null) addPoint(stats, v, p.cluster);
    }
    foldStats(state, stats, decay, model.distance);
    history.push(Float64Array.from(state.weights));
    current = modelFromState(current, state, current.version + 1, 1, r);
  });
  history.push(Float64Array.from(state.centers));
  return history;
}

/** N members and the updater core, rounds in lockstep (each member uses the newest published model). */
function distributed(model: ClusterModel, rounds: string[][], members: number, decay: Decay, split = Infinity) {
  const c = clock();
  const core = new UpdaterCore({ model, decay, graceMs: 1000, memberTimeoutMs: 60_000, now: c.now });
  c.advance(1000);
  let current = model;
  const history: Float64Array[] = [];
  let offset = 0;
  rounds.forEach((texts, r) => {
    const round = 1_700_000_000_000 + r * 5000;
    for (let m = 0; m < members; m++) {
      // member m owns the records of "partitions" m, m + members, ...
      const mine = texts.filter((_, i) => i % members === m);
      const stats = batchStats(new Predictor(current), mine);
      for (const msg of encodeStats(stats, { member: `m${m}`, round, modelVersion: current.version }, split)) {
        expect(core.offer('stats/0', String(offset++), msg).result).toBe('accepted');
      }
    }
    const published = core.tick();
    expect(published?.rounds.map((x) => [x.round, x.members.length, x.missing])).toEqual([[round, members, []]]);
    current = published!.model;
    history.push(Float64Array.from(current.weights));
  });
  return { current, history, core };
}

describe('distributed StreamingKMeans', () => {
  const rounds = [0, 1, 2, 3, 4].map((r) => fakeTexts(60, 100 + r).map((t) => t.text));

  it('raw counts: N members fold to exactly the single-process model (decay per batch)', () => {
    const model = tinyModel({ k: 3 });
    const decay = resolveDecay({ decayFactor: 0.8 });
    const ref = singleProcess(model, rounds, decay);
    for (const members of [1, 2, 3]) {
      const { current, history } = distributed(model, rounds, members, decay);
      expect(history.map((w) => Array.from(w))).toEqual(ref.slice(0, -1).map((w) => Array.from(w)));
      expect(Array.from(current.centers)).toEqual(Array.from(Float32Array.from(ref[ref.length - 1])));
      expect(current.version).toBe(1 + rounds.length);
      expect(current.updates).toBe(rounds.length);
    }
  });

  it('decay per point and messages split into parts give the same result', () => {
    const model = tinyModel({ k: 4, seed: 3 });
    const decay = resolveDecay({ halfLife: 50, timeUnit: 'points' });
    const ref = singleProcess(model, rounds, decay);
    const { current } = distributed(model, rounds, 3, decay, 1200);
    expect(Array.from(current.centers)).toEqual(Array.from(Float32Array.from(ref[ref.length - 1])));
  });

  it('real-valued features (log tf, l2, cosine): equal up to float rounding of the merge order', () => {
    const model = tinyModel({ k: 3, features: { ...DEFAULT_FEATURES, idf: false, numFeatures: 128 }, distance: 'cosine', seed: 11 });
    const decay = resolveDecay({ decayFactor: 0.9 });
    const ref = singleProcess(model, rounds, decay);
    const { current } = distributed(model, rounds, 2, decay);
    const want = ref[ref.length - 1];
    for (let i = 0; i < want.length; i++) expect(current.centers[i]).toBeCloseTo(want[i], 6);
  });

  it('folding each member separately would differ: the per-round merge matters', () => {
    const model = tinyModel({ k: 3 });
    const decay = resolveDecay({ decayFactor: 0.5 });
    const state = stateFromModel(model);
    const predictor = new Predictor(model);
    for (let m = 0; m < 2; m++) foldStats(state, batchStats(predictor, rounds[0].filter((_, i) => i % 2 === m)), decay);
    const ref = singleProcess(model, rounds.slice(0, 1), decay);
    expect(Array.from(state.weights)).not.toEqual(Array.from(ref[0]));
  });

  it('restarts from a published model without folding anything twice', () => {
    const model = tinyModel({ k: 3 });
    const decay = resolveDecay({ decayFactor: 0.8 });
    const c = clock();
    const a = new UpdaterCore({ model, decay, graceMs: 100, now: c.now });
    c.advance(100);
    const msg = (member: string, round: number, texts: string[], m: ClusterModel) => encodeStats(batchStats(new Predictor(m), texts), { member, round, modelVersion: m.version })[0];
    a.offer('s/0', '0', msg('x', 0, rounds[0], model));
    a.offer('s/0', '1', msg('y', 0, rounds[1], model));
    a.offer('s/0', '2', msg('x', 5000, rounds[2], model)); // y has not sent 5000: still open when publishing
    c.advance(10);
    const p = a.tick()!;
    expect(p.rounds.map((r) => r.round)).toEqual([0]);
    expect(p.progress).toEqual({ lastFolded: 0, consumed: { 's/0': '3' }, resume: { 's/0': '2' } });
    // restart: read again from `resume` (offset 2); an old message found before `consumed` is skipped
    const b = new UpdaterCore({ model: p.model, decay, graceMs: 100, progress: p.progress, now: c.now });
    expect(b.offer('s/0', '0', msg('x', 0, rounds[0], model)).result).toBe('folded-before');
    expect(b.offer('s/0', '2', msg('x', 5000, rounds[2], model)).result).toBe('accepted');
    // a genuinely late part of round 0 arriving after `consumed` is carried, not dropped
    expect(b.offer('s/0', '3', msg('z', 0, rounds[3], model)).result).toBe('late');
    expect(b.offer('s/0', '4', msg('y', 5000, rounds[4], model)).result).toBe('accepted');
    c.advance(200);
    const q = b.tick()!;
    expect(q.rounds.map((r) => [r.round, r.members, r.lateParts])).toEqual([[5000, ['x', 'y'], 1]]);
    expect(q.model.version).toBe(p.model.version + 1);
  });

  it('rounds without points publish nothing; the next version includes their decay', () => {
    const model = tinyModel({ k: 3 });
    const decay = resolveDecay({ decayFactor: 0.5 });
    const c = clock();
    const core = new UpdaterCore({ model, decay, graceMs: 100, now: c.now });
    c.advance(100);
    const msg = (round: number, texts: string[]) => encodeStats(batchStats(new Predictor(model), texts), { member: 'x', round, modelVersion: 1 })[0];
    core.offer('s/0', '0', msg(0, []));
    core.offer('s/0', '1', msg(5000, []));
    expect(core.tick()).toBeNull();
    expect(core.counters.rounds).toBe(2);
    core.offer('s/0', '2', msg(10_000, rounds[0]));
    const p = core.tick()!;
    expect(p.rounds.map((r) => r.round)).toEqual([0, 5000, 10_000]);
    expect(p.model.updates).toBe(3);
    expect(p.progress.lastFolded).toBe(10_000);
    // the same as one process folding the two empty batches and then the full one
    const ref = singleProcess(model, [[], [], rounds[0]], decay);
    expect(p.model.weights).toEqual(Array.from(ref[2]));
  });

  it('skips invalid messages and stats of another shape', () => {
    const model = tinyModel({ k: 3 });
    const core = new UpdaterCore({ model, decay: resolveDecay({}) });
    expect(core.offer('s/0', '0', 'garbage').result).toBe('invalid');
    expect(core.offer('s/0', '1', encodeStats(emptyStats(2, 64), { member: 'x', round: 0, modelVersion: 1 })[0]).result).toBe('invalid');
    expect(core.offer('s/0', '2', null).result).toBe('invalid');
    expect(core.counters.invalid).toBe(3);
  });
});
