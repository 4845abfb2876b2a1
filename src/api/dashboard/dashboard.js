// The dashboard: charts of the ingest audit (GET /snapshots) and an entity
// search with its timeline (GET /entities?q=, GET /entities/:id340B/:ceId/history).
// Plain browser JavaScript served as it is; the DOM is built with
// textContent and attributes only, so no data is ever parsed as HTML.

const svgNamespace = 'http://www.w3.org/2000/svg';
const tokenKey = 'opais-api-token';
const refreshMs = 60_000;
const eventLabels = {
  CoveredEntityRegistered: 'Registered',
  CoveredEntityChanged: 'Changed',
  CoveredEntityRemoved: 'Removed',
};

const byId = (id) => document.getElementById(id);

class Unauthorized extends Error {}

async function api(path) {
  const token = sessionStorage.getItem(tokenKey);
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status === 401) {
    byId('token-form').hidden = false;
    throw new Unauthorized('an API token is required');
  }
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.code}: ${body.message}`);
  return body;
}

function showError(error) {
  const element = byId('error');
  element.hidden = error instanceof Unauthorized;
  element.textContent = error instanceof Unauthorized ? '' : `Could not load: ${error.message}`;
}

function el(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

function svg(tag, attributes = {}, children = []) {
  const element = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

const day = (iso) => iso.slice(0, 10);
const formatCount = (value) => value.toLocaleString('en-US');

// ---- charts: hand-written SVG, one viewBox scaled to the container's width

const size = { width: 720, height: 240, left: 64, right: 16, top: 12, bottom: 36 };
const plot = {
  x0: size.left,
  x1: size.width - size.right,
  y0: size.height - size.bottom,
  y1: size.top,
};

/** About five round tick values covering [min, max]. */
function niceTicks(min, max) {
  if (min === max) return [min];
  const rough = (max - min) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough);
  const ticks = [];
  for (let value = Math.ceil(min / step) * step; value <= max; value += step) ticks.push(value);
  return ticks;
}

/** At most about eight labels along the x axis. */
function labelEvery(count) {
  return Math.max(1, Math.ceil(count / 8));
}

function chartFrame(label) {
  return svg('svg', { viewBox: `0 0 ${size.width} ${size.height}`, role: 'img', 'aria-label': label });
}

function yAxis(ticks, toY, format) {
  return svg(
    'g',
    { class: 'axis y-axis' },
    ticks.flatMap((tick) => [
      svg('line', { class: 'grid', x1: plot.x0, x2: plot.x1, y1: toY(tick), y2: toY(tick) }),
      svg('text', { x: plot.x0 - 6, y: toY(tick) + 4, 'text-anchor': 'end' }, [format(tick)]),
    ]),
  );
}

function xLabel(x, text) {
  return svg('text', { x, y: plot.y0 + 18, 'text-anchor': 'middle' }, [text]);
}

function emptyChart(container, message) {
  const frame = chartFrame(message);
  frame.append(
    svg('text', { class: 'empty', x: size.width / 2, y: size.height / 2, 'text-anchor': 'middle' }, [
      message,
    ]),
  );
  container.replaceChildren(frame);
  container.dataset.state = 'empty';
}

/** Entities in each snapshot over time: a line with a point per snapshot. */
function renderSnapshotsChart(container, snapshots) {
  if (snapshots.length === 0) return emptyChart(container, 'No snapshot ingested yet');
  const points = snapshots.map((snapshot) => ({
    time: Date.parse(snapshot.asOf),
    value: snapshot.counts.entities ?? 0,
    snapshot,
  }));
  const times = points.map((point) => point.time);
  const values = points.map((point) => point.value);
  const [tMin, tMax] = [Math.min(...times), Math.max(...times)];
  const ticks = niceTicks(Math.min(...values), Math.max(...values));
  const [vMin, vMax] = [Math.min(ticks[0], ...values), Math.max(ticks.at(-1), ...values)];
  const toX = (time) =>
    tMax === tMin ? (plot.x0 + plot.x1) / 2 : plot.x0 + ((time - tMin) / (tMax - tMin)) * (plot.x1 - plot.x0);
  const toY = (value) =>
    vMax === vMin
      ? (plot.y0 + plot.y1) / 2
      : plot.y0 - ((value - vMin) / (vMax - vMin)) * (plot.y0 - plot.y1);

  const frame = chartFrame('Entities in each snapshot');
  frame.append(yAxis(ticks, toY, formatCount));
  const every = labelEvery(points.length);
  frame.append(
    svg(
      'g',
      { class: 'axis x-axis' },
      points
        .filter((_, index) => index % every === 0)
        .map((point) => xLabel(toX(point.time), day(point.snapshot.asOf))),
    ),
  );
  frame.append(
    svg('polyline', {
      class: 'series-line',
      points: points.map((point) => `${toX(point.time)},${toY(point.value)}`).join(' '),
    }),
  );
  for (const point of points) {
    frame.append(
      svg(
        'circle',
        {
          class: 'point',
          cx: toX(point.time),
          cy: toY(point.value),
          r: 3.5,
          'data-as-of': point.snapshot.asOf,
          'data-value': point.value,
        },
        [
          svg('title', {}, [
            `${day(point.snapshot.asOf)}: ${formatCount(point.value)} entities (${point.snapshot.source.fileName ?? point.snapshot.source.key ?? ''})`,
          ]),
        ],
      ),
    );
  }
  container.replaceChildren(frame);
  container.dataset.state = 'ready';
}

/** Registered, changed and removed entities per UTC day, summed over that day's snapshots. */
function changesPerDay(snapshots) {
  const days = new Map();
  for (const snapshot of snapshots) {
    const key = day(snapshot.asOf);
    const totals = days.get(key) ?? { day: key, registered: 0, changed: 0, removed: 0 };
    totals.registered += snapshot.counts.registered ?? 0;
    totals.changed += snapshot.counts.changed ?? 0;
    totals.removed += snapshot.counts.removed ?? 0;
    days.set(key, totals);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** Grouped bars on a log scale: a day-0 load of every entity would otherwise flatten the daily deltas. */
function renderChangesChart(container, snapshots) {
  const days = changesPerDay(snapshots);
  if (days.length === 0) return emptyChart(container, 'No changes yet');
  const kinds = ['registered', 'changed', 'removed'];
  const max = Math.max(1, ...days.flatMap((totals) => kinds.map((kind) => totals[kind])));
  const top = 10 ** Math.ceil(Math.log10(max + 1));
  const toY = (value) => plot.y0 - (Math.log10(value + 1) / Math.log10(top + 1)) * (plot.y0 - plot.y1);
  const ticks = [];
  for (let tick = 1; tick <= top; tick *= 10) ticks.push(tick);

  const frame = chartFrame('Changes per day');
  frame.append(yAxis([0, ...ticks], toY, formatCount));
  const band = (plot.x1 - plot.x0) / days.length;
  const barWidth = Math.max(1, (band * 0.8) / kinds.length);
  const every = labelEvery(days.length);
  const bars = svg('g', { class: 'bars' });
  days.forEach((totals, index) => {
    const start = plot.x0 + index * band + band * 0.1;
    kinds.forEach((kind, k) => {
      const value = totals[kind];
      const y = toY(value);
      bars.append(
        svg(
          'rect',
          {
            class: `bar bar-${kind}`,
            x: start + k * barWidth,
            y,
            width: barWidth,
            height: plot.y0 - y,
            'data-day': totals.day,
            'data-kind': kind,
            'data-value': value,
          },
          [svg('title', {}, [`${totals.day}: ${formatCount(value)} ${kind}`])],
        ),
      );
    });
  });
  frame.append(bars);
  frame.append(
    svg(
      'g',
      { class: 'axis x-axis' },
      days
        .filter((_, index) => index % every === 0)
        .map((totals) => xLabel(plot.x0 + (days.indexOf(totals) + 0.5) * band, totals.day)),
    ),
  );
  container.replaceChildren(frame);
  container.dataset.state = 'ready';
}

async function refreshCharts() {
  try {
    const { items } = await api('/snapshots');
    renderSnapshotsChart(byId('snapshots-chart'), items);
    renderChangesChart(byId('changes-chart'), items);
    const last = items.at(-1);
    byId('summary').textContent = last
      ? `${items.length} snapshots · latest as of ${day(last.asOf)} · ${formatCount(last.counts.entities ?? 0)} entities in it`
      : 'No snapshot ingested yet';
    byId('error').hidden = true;
  } catch (error) {
    showError(error);
  }
}

// ---- search and timeline

async function search(q) {
  const status = byId('search-status');
  const results = byId('search-results');
  status.textContent = 'Searching…';
  const { items } = await api(`/entities?${new URLSearchParams({ q, limit: '20' })}`);
  status.textContent = items.length === 0 ? `Nothing found for “${q}”` : `${items.length} found`;
  results.replaceChildren(
    ...items.map((match) => {
      const place = [match.city, match.state].filter(Boolean).join(', ');
      const button = el('button', { type: 'button', 'data-id340b': match.id340B, 'data-ce-id': match.ceId }, [
        `${match.id340B} · ${match.name ?? '(no name)'}${place ? ` · ${place}` : ''}`,
      ]);
      button.addEventListener('click', () => showTimeline(match).catch(showError));
      return el(
        'li',
        {},
        match.current ? [button] : [button, el('span', { class: 'removed-note' }, [' (removed)'])],
      );
    }),
  );
}

async function showTimeline(match) {
  const path = `/entities/${encodeURIComponent(match.id340B)}/${encodeURIComponent(match.ceId)}/history`;
  const { items } = await api(path);
  byId('timeline-title').textContent =
    `${match.id340B} / ${match.ceId} · ${match.name ?? ''} — ${items.length} versions`;
  byId('timeline-items').replaceChildren(
    ...items.map((version) => {
      const details = [];
      if (version.type === 'CoveredEntityChanged')
        details.push(el('span', { class: 'paths' }, [` ${version.changedPaths.join(', ')}`]));
      const children = [
        el('time', { datetime: version.asOf }, [day(version.asOf)]),
        el('span', { class: 'badge' }, [eventLabels[version.type]]),
        ...details,
      ];
      if (version.entity) {
        children.push(
          el('details', {}, [
            el('summary', {}, ['state after this event']),
            el('pre', {}, [JSON.stringify(version.entity, null, 2)]),
          ]),
        );
      }
      return el(
        'li',
        { class: `version version-${version.type}`, 'data-position': version.position },
        children,
      );
    }),
  );
  byId('timeline').hidden = false;
}

byId('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = byId('search-input').value.trim();
  if (q) search(q).catch(showError);
});

byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, byId('token-input').value);
  byId('token-form').hidden = true;
  refreshCharts();
});

refreshCharts();
setInterval(refreshCharts, refreshMs);

// The CSV downloads (docs/exports.md) carry the token too: a plain link cannot send the Authorization header.
document.addEventListener('click', async (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-export]') : null;
  const token = sessionStorage.getItem(tokenKey);
  if (!link || !token) return;
  event.preventDefault();
  try {
    const response = await fetch(link.href, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${link.getAttribute('download')}: HTTP ${response.status}`);
    const file = el('a', {
      href: URL.createObjectURL(await response.blob()),
      download: link.getAttribute('download'),
    });
    file.click();
    URL.revokeObjectURL(file.href);
  } catch (error) {
    showError(error);
  }
});
