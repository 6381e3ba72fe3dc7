/**
 * The dashboard in headless Chromium: feed items and chart bars appear from the real SSE and stats
 * endpoints, the language picker filters the feed, the page breaks no CSP rule, and /docs renders.
 * Saves test/artifacts/dashboard.png. Skips when Chromium is missing, except under CI=true.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Predictor } from '../../src/clustering/predictor.js';
import type { WindowStats } from '../../src/stream/pipeline-types.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { outputBatch, type ItemSpec } from '../helpers/batches.js';
import { ROOT } from '../helpers/data.js';
import { hashtags, SAMPLE_TWEETS } from '../helpers/sample-tweets.js';
import { waitFor } from '../helpers/sse.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true';

if (!HAVE_CHROMIUM && !IN_CI) console.warn(`[skip] dashboard browser test: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

/** Folds written tweets into window stats, as the pipeline's window would (the pipeline is not under test here). */
class FakeWindow {
  private counts = new Map<number, { label: string | null; count: number; tags: Map<string, number> }>();
  add(items: ItemSpec[]) {
    for (const it of items) {
      if (it.cluster === null) continue;
      const c = this.counts.get(it.cluster) ?? { label: it.label ?? null, count: 0, tags: new Map() };
      c.count++;
      for (const tag of hashtags(it.text)) c.tags.set(tag, (c.tags.get(tag) ?? 0) + 1);
      this.counts.set(it.cluster, c);
    }
  }
  stats(asOf: number): WindowStats {
    const clusters = [...this.counts.entries()].map(([cluster, c]) => ({
      cluster,
      label: c.label,
      count: c.count,
      topHashtags: [...c.tags.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10).map(([tag, count]) => ({ tag, count })),
    }));
    return { windowMs: 20_000, slideMs: 10_000, asOf, total: clusters.reduce((a, c) => a + c.count, 0), clusters };
  }
}

const TITLE = HAVE_CHROMIUM || IN_CI ? 'dashboard in Chromium' : `dashboard in Chromium (skipped: no Chromium at ${CHROMIUM}; set CHROMIUM_PATH)`;

(HAVE_CHROMIUM || IN_CI ? describe : describe.skip)(TITLE, () => {
  let t: TestApp;
  let base: string;
  let ctx: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const problems: string[] = [];
  const win = new FakeWindow();
  let predictor: Predictor;
  let batchTime = 1_700_000_000_000;

  /** Writes `n` sample tweets (classified by the real model) to the hub and the fake window. */
  async function feed(n: number, only?: (label: string | null) => boolean) {
    const items: ItemSpec[] = [];
    for (let i = 0; items.length < n && i < n * 20; i++) {
      const s = SAMPLE_TWEETS[(batchTime / 1000 + i) % SAMPLE_TWEETS.length];
      const p = predictor.predict(s.text);
      if (only && !only(p.label)) continue;
      items.push({ text: s.text, lang: s.lang, cluster: p.cluster, label: p.label, distance: p.distance, receivedAt: batchTime });
    }
    batchTime += 1000;
    win.add(items);
    t.pipeline!.window = win.stats(batchTime);
    await t.hub.write(outputBatch(batchTime, items));
  }

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=true but Chromium is missing at ${CHROMIUM}: the dashboard test cannot be skipped in CI`);
    t = await testApp();
    predictor = new Predictor(t.models.current.model);
    await t.pipeline!.start();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    userDataDir = await mkdtemp(path.join(os.tmpdir(), 'tweetlang-chromium-'));
    ctx = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1440, height: 900 },
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  });

  afterAll(async () => {
    await ctx?.close();
    await t?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('shows the live feed, the cluster chart and hashtags, and saves a screenshot', async () => {
    await page.goto(base + '/');
    await page.waitForSelector('#cluster-chips .chip');
    expect(await page.locator('#cluster-chips .chip').count()).toBe(t.models.current.model.k);
    await waitFor(() => t.hub.subscriberCount === 1, 'the page to subscribe');
    for (let b = 0; b < 6; b++) await feed(8);
    await page.locator('#feed .tweet').nth(47).waitFor();
    await page.locator('#bars .bar').nth(4).waitFor();
    await page.locator('#tags .tag').nth(2).waitFor();
    const firstBar = await page.locator('#bars .bar').first().innerText();
    const top = t.pipeline!.window.clusters.slice().sort((a, b) => b.count - a.count)[0];
    expect(firstBar).toContain(String(top.count));
    expect(await page.locator('#pipeline-pill').innerText()).toBe('pipeline running');
    expect(await page.locator('#stream-state').innerText()).toBe('live');
    expect(await page.locator('#feed .tweet .badge').first().innerText()).toMatch(/^\d+ · [a-z]{3}$/);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png') });
  });

  it('filters the feed by language through the picker and keeps the filter in the URL', async () => {
    await page.selectOption('#lang-select', 'jpn');
    await page.waitForURL(/\/\?lang=jpn$/);
    await expect.poll(() => page.locator('#feed .tweet').count(), { timeout: 10_000 }).toBe(0);
    await waitFor(() => t.hub.subscribers().some((s) => s.labels.has('jpn')) && t.hub.subscriberCount === 1, 'the filtered subscription');
    await feed(20);
    await page.locator('#feed .tweet').first().waitFor();
    const badges = await page.locator('#feed .tweet .badge').allInnerTexts();
    expect(badges.length).toBeGreaterThan(0);
    for (const b of badges) expect(b).toMatch(/· jpn$/);
    expect(await page.locator('#filter-summary').innerText()).toBe('Showing languages jpn');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-filtered.png') });
  });

  it('filters by cluster when a chip is clicked, and Show all resets', async () => {
    await page.click('#filter-all');
    await page.waitForURL((u) => u.search === '');
    const spaCluster = t.models.current.model.labels.indexOf('spa');
    await page.click(`#cluster-chips .chip[data-cluster="${spaCluster}"]`);
    await page.waitForURL((u) => u.search === `?cluster=${spaCluster}`);
    await waitFor(() => t.hub.subscribers().some((s) => s.clusters.has(spaCluster)) && t.hub.subscriberCount === 1, 'the cluster subscription');
    await feed(20);
    await page.locator('#feed .tweet').first().waitFor();
    const clusters = await page.locator('#feed .tweet').evaluateAll((els) => els.map((e) => e.getAttribute('data-cluster')));
    expect(new Set(clusters)).toEqual(new Set([String(spaCluster)]));
  });

  it('breaks no Content-Security-Policy rule and logs no errors', () => {
    expect(problems).toEqual([]);
  });

  it('serves a working Swagger UI at /docs under its own CSP', async () => {
    const docs = await ctx.newPage();
    const errors: string[] = [];
    docs.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await docs.goto(base + '/docs');
    await docs.waitForSelector('.opblock', { timeout: 20_000 });
    expect(await docs.locator('.opblock').count()).toBeGreaterThanOrEqual(9);
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await docs.close();
  });
});
