import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accumulate, decodeStats, encodeStats, partToStats } from '../../src/distributed/stats-codec.js';
import { emptyStats, type ClusterStats } from '../../src/clustering/streaming-kmeans.js';
import { createRng } from '../../src/linalg/random.js';

function randomStats(k: number, d: number, density: number, seed: number): ClusterStats {
  const s = emptyStats(k, d);
  const rng = createRng(seed);
  const rnd = () => rng.next();
  for (let c = 0; c < k; c++) {
    if (rnd() < 0.2) continue; // some clusters get no points
    s.counts[c] = 1 + Math.floor(rnd() * 50);
    for (let i = 0; i < d; i++) if (rnd() < density) s.sums[c * d + i] = (rnd() - 0.3) * 1e3 + 1e-9 * rnd();
  }
  return s;
}

const meta = { member: 'm-1', round: 1_700_000_005_000, modelVersion: 4 };

describe('stats codec', () => {
  it('round-trips exactly (float64 sums, counts) in one message', () => {
    const s = randomStats(5, 300, 0.1, 3);
    const msgs = encodeStats(s, meta);
    expect(msgs).toHaveLength(1);
    const part = decodeStats(msgs[0]);
    expect(part).toMatchObject({ ...meta, k: 5, d: 300, part: 0, parts: 1 });
    const back = partToStats(part);
    expect(back.sums).toEqual(s.sums);
    expect(back.counts).toEqual(s.counts);
  });

  it('is sparse: a sparse batch is far smaller than the dense block', () => {
    const s = emptyStats(20, 16384);
    for (let c = 0; c < 20; c++) {
      s.counts[c] = 10;
      for (let i = 0; i < 200; i++) s.sums[c * 16384 + i * 80] = 1.5;
    }
    const bytes = encodeStats(s, meta).reduce((a, m) => a + m.length, 0);
    expect(bytes).toBeLessThan(20 * 200 * 20);
    expect(bytes * 30).toBeLessThan(20 * 16384 * 8); // ~65 KB against 2.6 MB dense
  });

  it('splits into parts under the size budget; the parts add up to the whole', () => {
    const s = randomStats(4, 2000, 0.5, 9);
    const msgs = encodeStats(s, meta, 8 * 1024);
    expect(msgs.length).toBeGreaterThan(3);
    for (const m of msgs) expect(m.length).toBeLessThanOrEqual(8 * 1024);
    const total = emptyStats(4, 2000);
    msgs.forEach((m, i) => {
      const p = decodeStats(m);
      expect([p.part, p.parts]).toEqual([i, msgs.length]);
      accumulate(total, p);
    });
    expect(total.sums).toEqual(s.sums);
    expect(total.counts).toEqual(s.counts);
  });

  it('an empty batch still makes one message (the member is done with the round)', () => {
    const msgs = encodeStats(emptyStats(3, 10), meta);
    expect(msgs).toHaveLength(1);
    expect(decodeStats(msgs[0]).clusters).toEqual([]);
  });

  it('round-trips any statistics (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), { minLength: 160, maxLength: 160 }),
        (k, d, vals) => {
          const s = emptyStats(k, d);
          for (let i = 0; i < k * d; i++) s.sums[i] = i % 3 === 0 ? 0 : vals[i % vals.length];
          for (let c = 0; c < k; c++) s.counts[c] = c;
          const back = emptyStats(k, d);
          for (const m of encodeStats(s, meta, 2048)) accumulate(back, decodeStats(m));
          // -0 and 0 both encode as "no coordinate"
          expect(Array.from(back.sums).map((x) => x + 0)).toEqual(Array.from(s.sums).map((x) => x + 0));
          expect(back.counts).toEqual(s.counts);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects malformed messages with E_STATS_INVALID', () => {
    const good = JSON.parse(encodeStats(randomStats(2, 8, 0.5, 1), meta)[0]);
    const cases: Array<[unknown, RegExp]> = [
      ['nope', /not JSON/],
      [{ ...good, format: 'x' }, /format/],
      [{ ...good, v: 2 }, /version 2/],
      [{ ...good, member: '' }, /member/],
      [{ ...good, k: 0 }, /k must be/],
      [{ ...good, part: 1, parts: 1 }, /part must be/],
      [{ ...good, clusters: [{ c: 5, n: 1, i: '', x: '' }] }, /clusters\[0\]\.c/],
      [{ ...good, clusters: [{ c: 0, n: -1, i: '', x: '' }] }, /\.n must be/],
      [{ ...good, clusters: [{ c: 0, n: 1, i: 'AAAAAA==', x: '' }] }, /1 indices but 0 values/],
      [{ ...good, clusters: [{ c: 0, n: 1, i: Buffer.from(new Uint32Array([8]).buffer).toString('base64'), x: Buffer.from(new Float64Array([1]).buffer).toString('base64') }] }, /index 8 is not below d = 8/],
      [{ ...good, clusters: [{ c: 0, n: 1, i: Buffer.from(new Uint32Array([1]).buffer).toString('base64'), x: Buffer.from(new Float64Array([NaN]).buffer).toString('base64') }] }, /non-finite/],
    ];
    for (const [msg, re] of cases) {
      expect(() => decodeStats(typeof msg === 'string' ? msg : JSON.stringify(msg))).toThrow(re);
      try {
        decodeStats(typeof msg === 'string' ? msg : JSON.stringify(msg));
      } catch (e) {
        expect((e as { code: string }).code).toBe('E_STATS_INVALID');
      }
    }
  });
});
