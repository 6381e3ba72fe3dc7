import { describe, expect, it } from 'vitest';
import { ari, labelReport, nmi, purity } from '../../training/metrics.js';

describe('clustering metrics (values checked against scikit-learn 1.2)', () => {
  it('NMI and ARI of small partitions', () => {
    expect(ari([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.5714285714285714, 12);
    expect(nmi([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.8, 12);
    const x = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
    const y = ['a', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'a', 'c'];
    expect(ari(x, y)).toBeCloseTo(0.20454545454545456, 12);
    expect(nmi(x, y)).toBeCloseTo(0.44270128334605013, 12);
  });

  it('identical partitions score 1 whatever the names; purity counts majorities', () => {
    expect(nmi([1, 1, 2, 2], ['x', 'x', 'y', 'y'])).toBeCloseTo(1, 12);
    expect(ari([1, 1, 2, 2], ['x', 'x', 'y', 'y'])).toBeCloseTo(1, 12);
    expect(purity([0, 0, 0, 1], ['a', 'a', 'b', 'b'])).toBeCloseTo(0.75, 12);
  });

  it('refuses arrays of different length', () => {
    expect(() => nmi([0], [0, 1])).toThrow(RangeError);
  });
});

describe('labelReport', () => {
  it('counts null predictions as unknown and computes per-label precision and recall (0 when never predicted, as scikit-learn)', () => {
    const r = labelReport(['spa', 'spa', null, 'eng', 'spa'], ['spa', 'por', 'spa', 'eng', 'spa']);
    expect(r.accuracy).toBeCloseTo(3 / 5, 12);
    expect(r.unknownRate).toBeCloseTo(1 / 5, 12);
    expect(r.perLabel.spa).toEqual({ precision: 2 / 3, recall: 2 / 3, support: 3, predicted: 3 });
    expect(r.perLabel.por).toEqual({ precision: 0, recall: 0, support: 1, predicted: 0 });
    expect(r.confusion.spa).toEqual({ spa: 2, unknown: 1 });
    expect(r.confusion.por).toEqual({ spa: 1 });
  });
});
