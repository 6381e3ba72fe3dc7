// tweetlang dashboard: live feed over EventSource (/v1/stream), cluster picker (/v1/clusters),
// window chart and hashtags (/v1/stats). Plain browser JavaScript, no build step; every text from the
// stream is inserted with textContent.
'use strict';

(() => {
  const MAX_FEED = 150;
  const STATS_EVERY_MS = 2000;
  const $ = (id) => document.getElementById(id);

  const state = {
    clusters: [],
    labels: [],
    k: 0,
    modelVersion: null,
    selClusters: new Set(),
    selLangs: new Set(),
    es: null,
    received: 0,
    skipped: 0,
    arrivals: [],
    pending: [],
    paused: false,
    lastStats: null,
  };

  // ---------------------------------------------------------------- helpers

  function color(cluster) {
    if (cluster === null || cluster === undefined) return '#8d97b3';
    const hue = (cluster * 137.508 + 200) % 360;
    return `hsl(${hue.toFixed(0)} 68% 64%)`;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function getJSON(url) {
    const r = await fetch(url, { headers: { accept: 'application/json' } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.message || `${url}: HTTP ${r.status}`);
    return body;
  }

  function labelOf(cluster) {
    const c = state.clusters[cluster];
    return c ? c.label : null;
  }

  function setPill(id, text, kind) {
    const p = $(id);
    p.classList.remove('ok', 'warn', 'bad');
    if (kind) p.classList.add(kind);
    if (id === 'stream-pill') $('stream-state').textContent = text;
    else p.textContent = text;
  }

  function notice(text) {
    const n = $('notice');
    n.hidden = !text;
    n.textContent = text || '';
  }

  function fmtTime(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  // ---------------------------------------------------------------- filter

  function readQuery() {
    const q = new URLSearchParams(location.search);
    for (const c of q.getAll('cluster')) if (/^\d+$/.test(c)) state.selClusters.add(Number(c));
    for (const l of q.getAll('lang')) if (l) state.selLangs.add(l);
  }

  function filterParams() {
    const q = new URLSearchParams();
    for (const c of [...state.selClusters].sort((a, b) => a - b)) q.append('cluster', String(c));
    for (const l of [...state.selLangs].sort()) q.append('lang', l);
    return q.toString();
  }

  function filterChanged() {
    const q = filterParams();
    history.replaceState(null, '', q ? `?${q}` : location.pathname);
    renderPicker();
    clearFeed();
    state.received = 0;
    state.skipped = 0;
    state.arrivals = [];
    connect();
    if (state.lastStats) renderStats(state.lastStats);
  }

  function matches(cluster, label) {
    if (state.selClusters.size === 0 && state.selLangs.size === 0) return true;
    return state.selClusters.has(cluster) || (label !== null && state.selLangs.has(label));
  }

  function renderPicker() {
    const chips = $('cluster-chips');
    chips.replaceChildren();
    for (const c of state.clusters) {
      const b = el('button', 'chip');
      b.type = 'button';
      b.dataset.cluster = String(c.cluster);
      b.setAttribute('aria-pressed', String(state.selClusters.has(c.cluster)));
      if (c.label !== null && state.selLangs.has(c.label)) b.classList.add('via-lang');
      b.title = c.topTerms.length ? `top n-grams: ${c.topTerms.map((t) => JSON.stringify(t.term)).join(' ')}` : '';
      const sw = el('span', 'swatch');
      sw.style.background = color(c.cluster);
      b.append(sw, el('span', 'num', String(c.cluster)), el('span', 'lbl', c.label || '–'));
      b.addEventListener('click', () => {
        if (state.selClusters.has(c.cluster)) state.selClusters.delete(c.cluster);
        else state.selClusters.add(c.cluster);
        filterChanged();
      });
      chips.append(b);
    }

    const select = $('lang-select');
    select.replaceChildren(el('option', '', 'Add a language…'));
    select.firstChild.value = '';
    for (const l of state.labels) {
      if (state.selLangs.has(l)) continue;
      const n = state.clusters.filter((c) => c.label === l).length;
      const o = el('option', '', `${l} (${n} cluster${n === 1 ? '' : 's'})`);
      o.value = l;
      select.append(o);
    }

    const langChips = $('lang-chips');
    langChips.replaceChildren();
    for (const l of [...state.selLangs].sort()) {
      const b = el('button', 'chip lang');
      b.type = 'button';
      b.title = `remove ${l}`;
      b.append(el('span', '', l), el('span', 'x', '×'));
      b.addEventListener('click', () => {
        state.selLangs.delete(l);
        filterChanged();
      });
      langChips.append(b);
    }

    const parts = [];
    if (state.selClusters.size) parts.push(`clusters ${[...state.selClusters].sort((a, b) => a - b).join(', ')}`);
    if (state.selLangs.size) parts.push(`languages ${[...state.selLangs].sort().join(', ')}`);
    $('filter-summary').textContent = parts.length ? `Showing ${parts.join(' or ')}` : 'Showing all tweets';
  }

  async function loadClusters() {
    const d = await getJSON('/v1/clusters?top=4&samples=0');
    state.clusters = d.clusters;
    state.k = d.clusters.length;
    state.modelVersion = d.modelVersion;
    state.labels = [...new Set(d.clusters.map((c) => c.label).filter((l) => l !== null))].sort();
    // drop selections the model no longer has
    for (const c of [...state.selClusters]) if (c >= state.k) state.selClusters.delete(c);
    for (const l of [...state.selLangs]) if (!state.labels.includes(l)) state.selLangs.delete(l);
    setPill('model-pill', `model v${d.modelVersion} · k=${state.k}`, 'ok');
    renderPicker();
  }

  // ---------------------------------------------------------------- live feed

  function clearFeed() {
    $('feed').replaceChildren();
    state.pending = [];
    $('feed-empty').hidden = false;
  }

  function tweetItem(t) {
    const li = el('li', 'tweet');
    li.dataset.cluster = String(t.cluster);
    const badge = el('span', 'badge', `${t.cluster ?? '–'} · ${t.label ?? '?'}`);
    badge.style.background = color(t.cluster);
    const text = el('div', 'text', t.text);
    const meta = [fmtTime(t.time)];
    if (t.lang) meta.push(`source lang ${t.lang}`);
    if (typeof t.distance === 'number') meta.push(`distance ${t.distance.toFixed(3)}`);
    meta.push(`model v${t.modelVersion}`);
    li.append(badge, text, el('div', 'meta', meta.join(' · ')));
    return li;
  }

  function flush() {
    requestAnimationFrame(flush);
    const now = Date.now();
    state.arrivals = state.arrivals.filter((x) => now - x < 5000);
    $('count-received').textContent = state.received.toLocaleString();
    $('count-rate').textContent = (state.arrivals.length / 5).toFixed(state.arrivals.length < 50 ? 1 : 0);
    $('count-skipped').textContent = state.skipped.toLocaleString();
    if (state.paused || state.pending.length === 0) return;
    const batch = state.pending.slice(-MAX_FEED);
    state.pending = [];
    const feed = $('feed');
    const frag = document.createDocumentFragment();
    for (let i = batch.length - 1; i >= 0; i--) frag.append(tweetItem(batch[i]));
    feed.prepend(frag);
    while (feed.childElementCount > MAX_FEED) feed.lastElementChild.remove();
    $('feed-empty').hidden = true;
  }

  function connect() {
    if (state.es) state.es.close();
    const q = filterParams();
    const es = new EventSource(q ? `/v1/stream?${q}` : '/v1/stream');
    state.es = es;
    setPill('stream-pill', 'connecting', 'warn');
    es.addEventListener('hello', () => setPill('stream-pill', 'live', 'ok'));
    es.addEventListener('tweet', (e) => {
      const t = JSON.parse(e.data);
      state.received++;
      state.arrivals.push(Date.now());
      state.pending.push(t);
      if (state.pending.length > MAX_FEED * 4) state.pending.splice(0, state.pending.length - MAX_FEED);
      if (t.modelVersion !== state.modelVersion) {
        state.modelVersion = t.modelVersion;
        loadClusters().catch(() => undefined);
      }
    });
    es.addEventListener('skipped', (e) => {
      state.skipped += JSON.parse(e.data).dropped;
    });
    es.addEventListener('end', () => setPill('stream-pill', 'server stopping', 'warn'));
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) setPill('stream-pill', 'disconnected', 'bad');
      else setPill('stream-pill', 'reconnecting', 'warn');
    };
  }

  // ---------------------------------------------------------------- window chart and hashtags

  function renderStats(s) {
    state.lastStats = s;
    if (s.pipeline === 'running') setPill('pipeline-pill', 'pipeline running', 'ok');
    else if (s.pipeline === 'stopped') setPill('pipeline-pill', 'pipeline stopped', 'bad');
    else setPill('pipeline-pill', 'no pipeline', 'warn');
    notice(
      s.pipeline === 'absent'
        ? 'This service runs without the embedded pipeline: prediction and the model views work, the live feed and the window chart stay empty.'
        : '',
    );

    $('window-info').textContent = s.windowMs
      ? `last ${Math.round(s.windowMs / 1000)} s · ${s.total.toLocaleString()} tweets${s.asOf ? ` · ${fmtTime(s.asOf)}` : ''}`
      : 'no window';

    const rows = s.clusters.filter((c) => c.count > 0).sort((a, b) => b.count - a.count || a.cluster - b.cluster);
    const max = rows.reduce((m, c) => Math.max(m, c.count), 0);
    const bars = $('bars');
    bars.replaceChildren();
    for (const c of rows) {
      const label = c.label ?? labelOf(c.cluster);
      const row = el('div', 'bar');
      row.setAttribute('role', 'listitem');
      row.dataset.cluster = String(c.cluster);
      if (state.selClusters.size || state.selLangs.size) row.classList.add(matches(c.cluster, label) ? 'selected' : 'dimmed');
      row.title = `cluster ${c.cluster}${label ? ` (${label})` : ''}: ${c.count} tweets — click to filter`;
      const name = el('span', 'name');
      name.append(el('span', 'num', `${c.cluster} `), document.createTextNode(label || '–'));
      const track = el('span', 'track');
      const fill = el('span', 'fill');
      fill.style.display = 'block';
      fill.style.width = `${max ? (100 * c.count) / max : 0}%`;
      fill.style.background = color(c.cluster);
      track.append(fill);
      row.append(name, track, el('span', 'count', c.count.toLocaleString()));
      row.addEventListener('click', () => {
        if (state.selClusters.has(c.cluster)) state.selClusters.delete(c.cluster);
        else state.selClusters.add(c.cluster);
        filterChanged();
      });
      bars.append(row);
    }
    $('bars-empty').hidden = rows.length > 0;

    const filtered = state.selClusters.size || state.selLangs.size;
    const groups = rows.filter((c) => c.topHashtags.length > 0 && (!filtered || matches(c.cluster, c.label ?? labelOf(c.cluster)))).slice(0, 6);
    const tags = $('tags');
    tags.replaceChildren();
    for (const c of groups) {
      const g = el('div', 'tag-group');
      const head = el('div', 'head');
      const sw = el('span', 'swatch');
      sw.style.background = color(c.cluster);
      head.append(sw, document.createTextNode(`cluster ${c.cluster} · ${c.label ?? labelOf(c.cluster) ?? '–'}`));
      const list = el('div', 'tag-list');
      for (const t of c.topHashtags.slice(0, 6)) {
        const tag = el('span', 'tag', `#${t.tag}`);
        tag.append(el('span', 'n', String(t.count)));
        list.append(tag);
      }
      g.append(head, list);
      tags.append(g);
    }
    $('tags-empty').hidden = groups.length > 0;
  }

  async function pollStats() {
    try {
      renderStats(await getJSON('/v1/stats?top=6'));
    } catch (err) {
      setPill('pipeline-pill', 'stats unavailable', 'bad');
    } finally {
      setTimeout(pollStats, STATS_EVERY_MS);
    }
  }

  // ---------------------------------------------------------------- start

  function wire() {
    $('lang-select').addEventListener('change', (e) => {
      const v = e.target.value;
      if (v) {
        state.selLangs.add(v);
        filterChanged();
      }
    });
    $('filter-all').addEventListener('click', () => {
      state.selClusters.clear();
      state.selLangs.clear();
      filterChanged();
    });
    $('pause').addEventListener('click', (e) => {
      state.paused = !state.paused;
      e.target.textContent = state.paused ? 'Resume' : 'Pause';
      e.target.setAttribute('aria-pressed', String(state.paused));
    });
  }

  async function start() {
    readQuery();
    wire();
    try {
      await loadClusters();
    } catch (err) {
      setPill('model-pill', 'model unavailable', 'bad');
      notice(`Could not load the clusters: ${err.message}`);
    }
    history.replaceState(null, '', filterParams() ? `?${filterParams()}` : location.pathname);
    connect();
    pollStats();
    requestAnimationFrame(flush);
  }

  start();
})();
