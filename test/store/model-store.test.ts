import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClusterModel } from '../../src/clustering/model.js';
import { loadModel, ModelStore, modelStamp, saveModel, versionFileName } from '../../src/store/model-store.js';
import { writeFileAtomic } from '../../src/store/atomic.js';
import { tinyModel } from '../helpers/model.js';
import { tmpDir } from '../helpers/tmp.js';

let model: ClusterModel;
const dir = tmpDir();
beforeAll(async () => {
  model = await tinyModel();
});

describe('ModelStore', () => {
  it('writes versions in order with CURRENT naming the newest, and loads the newest', async () => {
    const store = new ModelStore(path.join(dir, 'store1'));
    expect(await store.currentVersion()).toBeUndefined();
    expect(await store.save(model)).toBe(1);
    expect(await store.save({ ...model, updates: 5 })).toBe(2);
    expect(await store.versions()).toEqual([1, 2]);
    expect((await fs.readFile(path.join(store.dir, 'CURRENT'), 'utf8')).trim()).toBe(versionFileName(2));
    const loaded = await store.load();
    expect(loaded.version).toBe(2);
    expect(loaded.updates).toBe(5);
    expect((await store.load(1)).updates).toBe(0);
  });

  it('prunes old versions beyond keep', async () => {
    const store = new ModelStore(path.join(dir, 'store2'), { keep: 2 });
    for (let i = 0; i < 4; i++) await store.save(model);
    expect(await store.versions()).toEqual([3, 4]);
  });

  it('falls back to the highest version when CURRENT is missing', async () => {
    const store = new ModelStore(path.join(dir, 'store3'));
    await store.save(model);
    await store.save(model);
    await fs.rm(path.join(store.dir, 'CURRENT'));
    expect(await store.currentVersion()).toBe(2);
  });

  it('loadModel and saveModel work with a single .json file too', async () => {
    const file = path.join(dir, 'sub', 'one.json');
    await saveModel(file, model);
    const back = await loadModel(file);
    expect(Array.from(back.centers)).toEqual(Array.from(model.centers));
    expect(await modelStamp(file)).toMatch(/:/);
    expect(await modelStamp(path.join(dir, 'missing.json'))).toBeUndefined();
  });

  it('names the file and the problem when a model is corrupt', async () => {
    const file = path.join(dir, 'bad.json');
    await fs.writeFile(file, '{"format":"tweetlang-model","formatVersion":1');
    await expect(loadModel(file)).rejects.toMatchObject({ code: 'E_MODEL_FORMAT', message: expect.stringContaining(file) });
    await expect(loadModel(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
    await fs.mkdir(path.join(dir, 'empty-store'));
    await expect(loadModel(path.join(dir, 'empty-store'))).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
  });

  it('atomic writes leave no temporary files and replace whole files', async () => {
    const file = path.join(dir, 'atomic.txt');
    await writeFileAtomic(file, 'a'.repeat(10000));
    await writeFileAtomic(file, 'b');
    expect(await fs.readFile(file, 'utf8')).toBe('b');
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a clear code when the target folder is not writable', async () => {
    await expect(writeFileAtomic(path.join(dir, 'no-such-dir', 'x.json'), 'x')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
