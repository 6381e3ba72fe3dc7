import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleSink } from '../../src/sinks/console.js';
import { fileSink } from '../../src/sinks/files.js';
import { createSink } from '../../src/sinks/index.js';
import type { Classified } from '../../src/sinks/types.js';
import { memoryOut } from '../stream/helpers.js';
import { tmpDir } from '../sources/helpers.js';

const item = (id: string, text: string, cluster: number | null, label: string | null): Classified => ({
  record: { value: { id, text, lang: 'spa' }, partition: 'p', next: 10, receivedAt: 5 },
  cluster,
  label,
  distance: cluster === null ? null : 0.5,
  modelVersion: 3,
});

describe('sinks', () => {
  it('files: one JSONL file per non-empty batch, named by batch time, no temp files left', async () => {
    const dir = tmpDir('sink');
    const sink = fileSink({ prefix: path.join(dir, 'out', 'tweets') });
    await sink.write({ time: 1000, items: [item('1', 'hola', 2, 'spa'), item('2', 'qué tal\nbien', 2, 'spa')] });
    await sink.write({ time: 2000, items: [] });
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['tweets-1000.jsonl']);
    const lines = readFileSync(path.join(dir, 'out', 'tweets-1000.jsonl'), 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1])).toEqual({
      id: '2',
      text: 'qué tal\nbien',
      lang: 'spa',
      cluster: 2,
      label: 'spa',
      distance: 0.5,
      modelVersion: 3,
      partition: 'p',
      next: 10,
      receivedAt: 5,
    });
  });

  it('console: a print block per batch with "[label #cluster] text" lines', async () => {
    const out = memoryOut();
    const sink = consoleSink({ out, limit: 1 });
    await sink.write({ time: Date.UTC(2026, 0, 1, 0, 0, 10), items: [item('1', 'hola\namigos', 4, 'spa'), item('2', 'x', null, null)] });
    const rule = '-------------------------------------------';
    expect(out.text()).toBe([rule, 'Time: 2026-01-01 00:00:10', rule, '[spa #4] hola amigos', '...', '', ''].join('\n'));
  });

  it('registry: console, console:N, files:PREFIX; clear errors', () => {
    expect(createSink('console').name).toBe('console');
    expect(createSink('console:5').name).toBe('console:5');
    expect(createSink('files:/tmp/x/tweets').name).toBe('files:/tmp/x/tweets');
    expect(() => createSink('ftp:out')).toThrow(/unknown sink "ftp:out"; one of: console\[:N\], files:PREFIX, kafka:TOPIC/);
    expect(() => createSink('files:')).toThrow(/needs an argument/);
    expect(() => createSink('console:x')).toThrow(/record limit/);
    expect(() => createSink('files:/tmp/dir/')).toThrow(/prefix/);
  });
});
