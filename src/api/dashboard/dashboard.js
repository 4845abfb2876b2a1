// The dashboard: the morning report of a snapshot (GET /reports, /snapshots, /changes), an entity's
// timeline with each version's changes (GET /entities/…/history), a pharmacy's contracts over time
// (GET /pharmacies/:id) and a search over entities and pharmacies. Plain browser JavaScript served as
// it is, routed by the URL's hash (#/report/<asOf>, #/entity/<id340B>/<ceId>, #/pharmacy/<id>,
// #/search/<q>), so every view has a link. The DOM is built with textContent and attributes only:
// no data is ever parsed as HTML.

const svgNamespace = 'http://www.w3.org/2000/svg';
const tokenKey = 'opais-api-token';
const pageSize = 25;
const kindLabels = {
  CoveredEntityRegistered: 'Registered',
  CoveredEntityChanged: 'Changed',
  CoveredEntityRemoved: 'Removed',
};
/** Topics of the change filter: a label and the `path` the feed filters on. */
const topics = [
  ['contractPharmacies', 'Contract pharmacies'],
  ['participating', 'Participation'],
  ['terminationDate', 'Termination date'],
  ['streetAddress', 'Street address'],
  ['billingAddress', 'Billing address'],
  ['shippingAddresses', 'Shipping addresses'],
  ['npiNumbers', 'NPI numbers'],
  ['medicaidNumbers', 'Medicaid numbers'],
  ['name', 'Name'],
];

const byId = (id) => document.getElementById(id);
const view = () => byId('view');

class Unauthorized extends Error {}

async function request(path) {
  const token = sessionStorage.getItem(tokenKey);
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status === 401) {
    byId('token-form').hidden = false;
    byId('token-input').focus();
    throw new Unauthorized('an API token is required');
  }
  return response;
}

async function api(path) {
  const response = await request(path);
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(`${body.code}: ${body.message}`), { code: body.code });
  return body;
}

/** A filter's options from a report's count rows: "all" first, then each value with its total. */
function countedOptions(allLabel, rows, key) {
  return [
    ['', allLabel],
    ...rows.filter((row) => row[key]).map((row) => [row[key], `${row[key]} (${row.total})`]),
  ];
}

function showError(error) {
  const element = byId('error');
  element.hidden = error instanceof Unauthorized;
  element.textContent = error instanceof Unauthorized ? '' : `Could not load: ${error.message}`;
}

function el(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) element.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) element.append(child);
  return element;
}

function svg(tag, attributes = {}, children = []) {
  const element = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

const day = (iso) => iso.slice(0, 10);
const formatCount = (value) => Number(value).toLocaleString('en-US');
const entityHref = (id340B, ceId) => `#/entity/${encodeURIComponent(id340B)}/${encodeURIComponent(ceId)}`;
const pharmacyHref = (pharmacyId) => `#/pharmacy/${encodeURIComponent(pharmacyId)}`;
const reportHref = (asOf) => `#/report/${encodeURIComponent(asOf)}`;
const absent = () => el('span', { class: 'absent', title: 'absent' }, ['—']);
const srOnly = (text) => el('span', { class: 'sr-only' }, [text]);

/** Sets the page's title and its one h1, and moves focus there so that screen readers announce the new view. */
function startView(title, state = 'ready') {
  document.title = `${title} · OPAIS change log`;
  const heading = el('h1', { id: 'view-title', tabindex: '-1' }, [title]);
  view().replaceChildren(heading);
  view().dataset.state = state;
  view().setAttribute('aria-busy', 'false');
  return heading;
}

// ---- change detail: the same words the CLI uses (src/report/describe-change.ts)

function valueText(value) {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function valueNode(value, side) {
  const text = valueText(value);
  return text === null ? absent() : el(side === 'before' ? 'del' : 'ins', { class: side }, [text]);
}

function leafItem(change) {
  return el('li', { class: 'leaf', 'data-path': change.path }, [
    el('code', { class: 'path' }, [change.path]),
    ': ',
    srOnly('before '),
    valueNode(change.from, 'before'),
    el('span', { 'aria-hidden': 'true' }, [' → ']),
    srOnly(' after '),
    valueNode(change.to, 'after'),
  ]);
}

/** A member in a few words; a contract pharmacy links to its pharmacy's page. */
function memberNode(path, member) {
  if (path === 'contractPharmacies') {
    const address = member.address ?? {};
    const place = [address.city, address.state].filter(Boolean).join(' ');
    const dates = [
      member.beginDate ? `begin ${day(member.beginDate)}` : '',
      member.terminationDate ? `terminated ${day(member.terminationDate)}` : '',
    ].filter(Boolean);
    return el('span', {}, [
      `contract ${member.contractId}: `,
      el('a', { href: pharmacyHref(member.pharmacyId) }, [member.name ?? `pharmacy ${member.pharmacyId}`]),
      `${place ? `, ${place}` : ''}${dates.length ? ` (${dates.join(', ')})` : ''}`,
    ]);
  }
  if (path === 'npiNumbers' || path === 'medicaidNumbers') {
    const number = path === 'npiNumbers' ? member.npiNumber : member.medicaidNumber;
    return el('span', {}, [`${number}${member.state ? ` (${member.state})` : ''}`]);
  }
  return el('span', {}, [
    Object.values(member)
      .filter((value) => typeof value !== 'object')
      .join(', '),
  ]);
}

function keyText(path, key) {
  if (path === 'contractPharmacies') return `contract ${key.contractId}`;
  return Object.values(key)
    .filter((value) => value !== null)
    .join(' ');
}

function collectionItem(change) {
  const changed = change.changed ?? [];
  const tally = [
    change.added.length ? `${change.added.length} added` : '',
    change.removed.length ? `${change.removed.length} removed` : '',
    changed.length ? `${changed.length} changed` : '',
  ].filter(Boolean);
  const members = el('ul', { class: 'members' }, [
    ...change.added.map((member) =>
      el('li', { class: 'added' }, [
        srOnly('added: '),
        el('span', { 'aria-hidden': 'true' }, ['+ ']),
        memberNode(change.path, member),
      ]),
    ),
    ...change.removed.map((member) =>
      el('li', { class: 'removed' }, [
        srOnly('removed: '),
        el('span', { 'aria-hidden': 'true' }, ['− ']),
        memberNode(change.path, member),
      ]),
    ),
    ...changed.map((member) =>
      el('li', { class: 'changed' }, [
        srOnly('changed: '),
        el('span', { 'aria-hidden': 'true' }, ['~ ']),
        keyText(change.path, member.key),
        el('ul', { class: 'diff' }, member.changes.map(leafItem)),
      ]),
    ),
  ]);
  return el('li', { class: 'collection', 'data-path': change.path }, [
    el('code', { class: 'path' }, [change.path]),
    `: ${tally.join(', ')}`,
    members,
  ]);
}

function changeList(changes) {
  return el(
    'ul',
    { class: 'diff' },
    changes.map((change) => ('added' in change ? collectionItem(change) : leafItem(change))),
  );
}

function badge(type) {
  return el('span', { class: `badge badge-${type}` }, [kindLabels[type]]);
}

/** One feed item: the entity (a link), what happened, and for a change its before → after. */
function changeItem(item) {
  const about = [item.entityType, item.state].filter(Boolean).join(' · ');
  const children = [
    el('p', { class: 'item-head' }, [
      badge(item.type),
      ' ',
      el('a', { class: 'entity-link', href: entityHref(item.id340B, item.ceId) }, [
        `${item.name ?? '(no name)'}${item.subName ? ` — ${item.subName}` : ''}`,
      ]),
      el('span', { class: 'muted' }, [
        ` ${item.id340B} / ${item.ceId}${about ? ` · ${about}` : ''}${item.type === 'CoveredEntityRemoved' ? ' · last known' : ''}`,
      ]),
    ]),
  ];
  if (item.changes?.length) children.push(changeList(item.changes));
  return el(
    'li',
    { class: `change change-${item.type}`, 'data-position': item.position, 'data-type': item.type },
    children,
  );
}

// ---- charts: SVG drawn at the container's pixel width, so text is the same size on a phone and a desktop

/** About `count` round tick values covering [min, max]; integers only (these are counts). */
function integerTicks(min, max, count = 5) {
  if (min === max) return [min];
  const rough = Math.max(1, (max - min) / count);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(
    1,
    [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough),
  );
  const ticks = [];
  for (let value = Math.floor(min / step) * step; value <= max + step - 1; value += step) ticks.push(value);
  return ticks;
}

function chartFrame(container, label) {
  const width = Math.max(280, Math.floor(container.clientWidth || 600));
  const height = width < 500 ? 200 : 240;
  const box = { width, height, left: 56, right: 16, top: 12, bottom: 40 };
  const plot = { x0: box.left, x1: width - box.right, y0: height - box.bottom, y1: box.top };
  const frame = svg('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': label,
  });
  return { frame, plot, width };
}

function yAxis(plot, ticks, toY) {
  return svg(
    'g',
    { class: 'axis y-axis' },
    ticks.flatMap((tick) => [
      svg('line', { class: 'grid', x1: plot.x0, x2: plot.x1, y1: toY(tick), y2: toY(tick) }),
      svg('text', { x: plot.x0 - 6, y: toY(tick) + 4, 'text-anchor': 'end' }, [formatCount(tick)]),
    ]),
  );
}

/** Date labels that never overlap (about 80 px each) and never leave the frame (the ends are anchored inwards). */
function xAxis(plot, width, points) {
  const every = Math.max(1, Math.ceil(points.length / Math.max(1, Math.floor((plot.x1 - plot.x0) / 84))));
  const labels = points.filter((_, index) => index % every === 0);
  const last = points.at(-1);
  if (labels.at(-1) !== last) {
    if (last.x - labels.at(-1).x < 84) labels.pop();
    labels.push(last);
  }
  return svg(
    'g',
    { class: 'axis x-axis' },
    labels.map((point) => {
      const anchor = point.x - 40 < 0 ? 'start' : point.x + 40 > width ? 'end' : 'middle';
      return svg('text', { x: point.x, y: plot.y0 + 20, 'text-anchor': anchor }, [point.label]);
    }),
  );
}

function emptyChart(container, message) {
  container.replaceChildren(el('p', { class: 'empty' }, [message]));
  container.dataset.state = 'empty';
}

/** Entities in each snapshot: a line with a point per snapshot; the current snapshot is marked. */
function renderEntitiesChart(container, snapshots, selectedAsOf) {
  if (snapshots.length === 0) return emptyChart(container, 'No snapshot ingested yet');
  const { frame, plot, width } = chartFrame(container, 'Entities in each snapshot');
  const values = snapshots.map((snapshot) => snapshot.counts.entities ?? 0);
  const ticks = integerTicks(Math.min(...values), Math.max(...values));
  const [vMin, vMax] = [Math.min(ticks[0], ...values), Math.max(ticks.at(-1), ...values)];
  const toX = (index) =>
    snapshots.length === 1
      ? (plot.x0 + plot.x1) / 2
      : plot.x0 + 8 + (index / (snapshots.length - 1)) * (plot.x1 - plot.x0 - 16);
  const toY = (value) =>
    vMax === vMin
      ? (plot.y0 + plot.y1) / 2
      : plot.y0 - ((value - vMin) / (vMax - vMin)) * (plot.y0 - plot.y1);
  frame.append(yAxis(plot, ticks, toY));
  frame.append(
    xAxis(
      plot,
      width,
      snapshots.map((snapshot, index) => ({ x: toX(index), label: day(snapshot.asOf) })),
    ),
  );
  frame.append(
    svg('polyline', {
      class: 'series-line',
      points: snapshots.map((_, index) => `${toX(index)},${toY(values[index])}`).join(' '),
    }),
  );
  snapshots.forEach((snapshot, index) => {
    frame.append(
      svg(
        'circle',
        {
          class: snapshot.asOf === selectedAsOf ? 'point selected' : 'point',
          cx: toX(index),
          cy: toY(values[index]),
          r: snapshot.asOf === selectedAsOf ? 5 : 3.5,
          'data-as-of': snapshot.asOf,
          'data-value': values[index],
        },
        [svg('title', {}, [`${day(snapshot.asOf)}: ${formatCount(values[index])} entities`])],
      ),
    );
  });
  container.replaceChildren(frame);
  container.dataset.state = 'ready';
}

/** Registered, changed and removed per snapshot, grouped bars on a log scale (a day-0 load would flatten the rest). */
function renderChangesChart(container, snapshots, selectedAsOf) {
  if (snapshots.length === 0) return emptyChart(container, 'No changes yet');
  const kinds = ['registered', 'changed', 'removed'];
  const { frame, plot, width } = chartFrame(container, 'Changes per snapshot, log scale');
  const max = Math.max(
    1,
    ...snapshots.flatMap((snapshot) => kinds.map((kind) => snapshot.counts[kind] ?? 0)),
  );
  const top = 10 ** Math.ceil(Math.log10(max + 1));
  const toY = (value) => plot.y0 - (Math.log10(value + 1) / Math.log10(top + 1)) * (plot.y0 - plot.y1);
  const ticks = [0];
  for (let tick = 1; tick <= top; tick *= 10) ticks.push(tick);
  frame.append(yAxis(plot, ticks, toY));
  const band = (plot.x1 - plot.x0) / snapshots.length;
  const barWidth = Math.max(1, Math.min(24, (band * 0.8) / kinds.length));
  const bars = svg('g', { class: 'bars' });
  snapshots.forEach((snapshot, index) => {
    const start = plot.x0 + index * band + (band - barWidth * kinds.length) / 2;
    if (snapshot.asOf === selectedAsOf) {
      bars.append(
        svg('rect', {
          class: 'band-selected',
          x: plot.x0 + index * band,
          y: plot.y1,
          width: band,
          height: plot.y0 - plot.y1,
        }),
      );
    }
    kinds.forEach((kind, k) => {
      const value = snapshot.counts[kind] ?? 0;
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
            'data-as-of': snapshot.asOf,
            'data-kind': kind,
            'data-value': value,
          },
          [svg('title', {}, [`${day(snapshot.asOf)}: ${formatCount(value)} ${kind}`])],
        ),
      );
    });
  });
  frame.append(bars);
  frame.append(
    xAxis(
      plot,
      width,
      snapshots.map((snapshot, index) => ({ x: plot.x0 + (index + 0.5) * band, label: day(snapshot.asOf) })),
    ),
  );
  container.replaceChildren(frame);
  container.dataset.state = 'ready';
}

// ---- the report of a snapshot (the landing page)

function countCard(label, value, kind) {
  return el('div', { class: `card${kind ? ` card-${kind}` : ''}` }, [
    el('dt', {}, [label]),
    el('dd', { 'data-count': kind ?? label }, [formatCount(value)]),
  ]);
}

/** A table; a `stacked` one shows each row as a card of labelled cells on a narrow screen. */
function table(caption, columns, rows, stacked = false) {
  return el('table', { class: stacked ? 'stacked' : undefined }, [
    el('caption', {}, [caption]),
    el('thead', {}, [
      el(
        'tr',
        {},
        columns.map((column) => el('th', { scope: 'col' }, [column])),
      ),
    ]),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          {},
          row.map((cell, index) => el('td', { 'data-label': columns[index] }, [cell ?? absent()])),
        ),
      ),
    ),
  ]);
}

function select(id, label, options, value) {
  return el('div', { class: 'field' }, [
    el('label', { for: id }, [label]),
    el(
      'select',
      { id, name: id },
      options.map(([optionValue, text]) =>
        el('option', { value: optionValue, selected: optionValue === value }, [text]),
      ),
    ),
  ]);
}

async function download(path, fileName) {
  const response = await request(path);
  if (!response.ok) throw new Error(`download failed: ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const link = el('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

let charts;
window.addEventListener('resize', () => {
  clearTimeout(charts?.timer);
  if (charts) charts.timer = setTimeout(charts.draw, 150);
});

async function showReport(asOf) {
  const { items: snapshots } = await api('/snapshots');
  if (snapshots.length === 0) {
    startView('Morning report', 'empty');
    view().append(el('p', {}, ['No snapshot has been ingested yet. Run opais ingest <file>, then reload.']));
    return;
  }
  const selected = asOf
    ? (snapshots.find((snapshot) => snapshot.asOf === asOf) ?? snapshots.at(-1))
    : snapshots.at(-1);
  const report = await api(`/reports/${encodeURIComponent(selected.asOf)}?limit=1`);
  const index = snapshots.indexOf(selected);
  startView(`Morning report — ${day(selected.asOf)}`, 'loading');

  const picker = el('form', { class: 'picker', 'aria-label': 'Snapshot' }, [
    el(
      'a',
      {
        class: 'button',
        href: index > 0 ? reportHref(snapshots[index - 1].asOf) : undefined,
        'aria-disabled': index === 0 ? 'true' : undefined,
      },
      ['← Previous'],
    ),
    select(
      'snapshot-select',
      'Snapshot as of',
      [...snapshots]
        .reverse()
        .map((snapshot) => [snapshot.asOf, `${day(snapshot.asOf)} ${snapshot.asOf.slice(11, 16)} UTC`]),
      selected.asOf,
    ),
    el(
      'a',
      {
        class: 'button',
        href: index < snapshots.length - 1 ? reportHref(snapshots[index + 1].asOf) : undefined,
        'aria-disabled': index === snapshots.length - 1 ? 'true' : undefined,
      },
      ['Next →'],
    ),
    el('div', { class: 'field' }, [
      el('label', { for: 'snapshot-date' }, ['Go to date']),
      el('input', {
        id: 'snapshot-date',
        type: 'date',
        min: day(snapshots[0].asOf),
        max: day(snapshots.at(-1).asOf),
        value: day(selected.asOf),
      }),
    ]),
  ]);
  picker.querySelector('select').addEventListener('change', (event) => {
    location.hash = reportHref(event.target.value);
  });
  // A date goes to that day's snapshot, or the last one before it.
  picker.querySelector('input[type="date"]').addEventListener('change', (event) => {
    const target = [...snapshots].reverse().find((snapshot) => day(snapshot.asOf) <= event.target.value);
    if (target && target !== selected) location.hash = reportHref(target.asOf);
  });
  picker.addEventListener('submit', (event) => event.preventDefault());

  const downloads = el('p', { class: 'downloads' }, [
    'Download this report: ',
    ...['csv', 'md', 'html'].flatMap((format, position) => {
      const button = el('button', { type: 'button', class: 'link' }, [
        { csv: 'CSV', md: 'Markdown', html: 'HTML' }[format],
      ]);
      button.addEventListener('click', () =>
        download(
          `/reports/${encodeURIComponent(selected.asOf)}?format=${format}`,
          `opais-report-${day(selected.asOf)}.${format}`,
        ).catch(showError),
      );
      return position === 0 ? [button] : [' · ', button];
    }),
  ]);

  const counts = report.counts.byKind;
  const summary = report.snapshot.counts;
  const cards = el('dl', { class: 'cards' }, [
    countCard('Registered', counts.registered, 'registered'),
    countCard('Changed', counts.changed, 'changed'),
    countCard('Removed', counts.removed, 'removed'),
    countCard('Unchanged', summary.unchanged ?? 0, 'unchanged'),
    countCard('Entities in the file', summary.entities ?? 0, 'entities'),
    countCard('Data-quality problems', report.dataQuality.total, 'data-quality'),
  ]);

  const entitiesChart = el('div', { id: 'snapshots-chart', class: 'chart', 'data-state': 'loading' });
  const changesChart = el('div', { id: 'changes-chart', class: 'chart', 'data-state': 'loading' });
  const pharmacies = report.contractPharmacies;

  const filters = el('form', { id: 'change-filters', class: 'filters', 'aria-label': 'Filter the changes' }, [
    select(
      'filter-kind',
      'Change kind',
      [
        ['', 'All kinds'],
        ['registered', 'Registered'],
        ['changed', 'Changed'],
        ['removed', 'Removed'],
      ],
      '',
    ),
    select(
      'filter-type',
      'Entity type',
      countedOptions('All types', report.counts.byEntityType, 'entityType'),
      '',
    ),
    select('filter-state', 'State', countedOptions('All states', report.counts.byState, 'state'), ''),
    select('filter-path', 'Touching', [['', 'Anything'], ...topics], ''),
  ]);
  const list = el('ol', { id: 'change-list', class: 'changes', 'aria-live': 'polite' });
  const status = el('p', { id: 'change-status', class: 'muted', role: 'status' });
  const previous = el('button', { type: 'button', id: 'page-previous', disabled: true }, ['← Previous page']);
  const next = el('button', { type: 'button', id: 'page-next', disabled: true }, ['Next page →']);

  view().append(
    picker,
    downloads,
    el('section', { 'aria-labelledby': 'counts-heading' }, [
      el('h2', { id: 'counts-heading' }, ['Counts']),
      cards,
    ]),
    el('section', { 'aria-labelledby': 'charts-heading', class: 'charts' }, [
      el('h2', { id: 'charts-heading' }, ['Over time']),
      el('figure', {}, [el('figcaption', {}, ['Entities in each snapshot']), entitiesChart]),
      el('figure', {}, [
        el('figcaption', {}, ['Changes per snapshot (log scale)']),
        changesChart,
        el('ul', { class: 'legend' }, [
          el('li', { class: 'registered' }, ['registered']),
          el('li', { class: 'changed' }, ['changed']),
          el('li', { class: 'removed' }, ['removed']),
        ]),
      ]),
    ]),
    el('section', { 'aria-labelledby': 'breakdown-heading', class: 'breakdown' }, [
      el('h2', { id: 'breakdown-heading' }, ['Breakdown']),
      table(
        'By entity type',
        ['Type', 'Registered', 'Changed', 'Removed'],
        report.counts.byEntityType.map((row) => [
          row.entityType,
          formatCount(row.registered),
          formatCount(row.changed),
          formatCount(row.removed),
        ]),
      ),
      table(
        'By state',
        ['State', 'Registered', 'Changed', 'Removed'],
        report.counts.byState.map((row) => [
          row.state,
          formatCount(row.registered),
          formatCount(row.changed),
          formatCount(row.removed),
        ]),
      ),
      table(
        'Contract pharmacies',
        ['Measure', 'Count'],
        [
          ['Added', formatCount(pharmacies.added)],
          ['Removed', formatCount(pharmacies.removed)],
          ['Terminated', formatCount(pharmacies.terminated)],
          ['Changed otherwise', formatCount(pharmacies.changed)],
          ['Entities', formatCount(pharmacies.entities)],
        ],
      ),
    ]),
    el('section', { 'aria-labelledby': 'changes-heading' }, [
      el('h2', { id: 'changes-heading' }, ['Changes in this snapshot']),
      filters,
      status,
      list,
      el('nav', { class: 'pager', 'aria-label': 'Pages of changes' }, [previous, next]),
    ]),
  );

  charts = {
    draw() {
      renderEntitiesChart(entitiesChart, snapshots, selected.asOf);
      renderChangesChart(changesChart, snapshots, selected.asOf);
    },
  };
  charts.draw();

  // Paging: a stack of cursors, one per page shown, so "previous" goes back exactly.
  let cursors = [undefined];
  const load = async () => {
    const query = new URLSearchParams({ snapshot: selected.asOf, limit: String(pageSize) });
    const value = (id) => byId(id).value;
    if (value('filter-kind')) query.set('type', value('filter-kind'));
    if (value('filter-type')) query.set('entityType', value('filter-type'));
    if (value('filter-state')) query.set('state', value('filter-state'));
    if (value('filter-path')) query.set('path', value('filter-path'));
    const since = cursors.at(-1);
    if (since) query.set('since', since);
    list.setAttribute('aria-busy', 'true');
    const page = await api(`/changes?${query}`);
    list.replaceChildren(...page.items.map(changeItem));
    list.setAttribute('aria-busy', 'false');
    const first = (cursors.length - 1) * pageSize;
    status.textContent =
      page.items.length === 0
        ? cursors.length === 1
          ? 'No changes match these filters.'
          : 'No more changes.'
        : `Changes ${first + 1}–${first + page.items.length}`;
    previous.disabled = cursors.length === 1;
    next.disabled = page.items.length < pageSize;
    next.dataset.cursor = page.next;
    view().dataset.state = 'ready';
  };
  filters.addEventListener('change', () => {
    cursors = [undefined];
    load().catch(showError);
  });
  filters.addEventListener('submit', (event) => event.preventDefault());
  next.addEventListener('click', () => {
    cursors.push(next.dataset.cursor);
    load().catch(showError);
  });
  previous.addEventListener('click', () => {
    cursors.pop();
    load().catch(showError);
  });
  await load();
}

// ---- an entity: its timeline with each version's changes, and its current contract pharmacies

async function showEntity(id340B, ceId) {
  const { items } = await api(`/entities/${encodeURIComponent(id340B)}/${encodeURIComponent(ceId)}/history`);
  const latest = [...items].reverse().find((version) => version.entity)?.entity ?? {};
  const last = items.at(-1);
  startView(`${latest.name ?? id340B}${latest.subName ? ` — ${latest.subName}` : ''}`, 'loading');
  const address = latest.streetAddress ?? {};
  const facts = el('dl', { class: 'facts' }, [
    ...[
      ['340B id', `${id340B} / ${ceId}`],
      ['Entity type', latest.entityType],
      ['Participating', latest.participating],
      [
        'Address',
        [address.addressLine1, address.city, [address.state, address.zip].filter(Boolean).join(' ')]
          .filter(Boolean)
          .join(', '),
      ],
      [
        'Status',
        last.type === 'CoveredEntityRemoved'
          ? `removed as of ${day(last.asOf)} (last known state shown)`
          : 'in the latest snapshot',
      ],
    ].flatMap(([term, value]) => [el('dt', {}, [term]), el('dd', {}, [value || absent()])]),
  ]);

  const timeline = el(
    'ol',
    { id: 'timeline-items', class: 'timeline' },
    [...items]
      .reverse()
      .map((version) =>
        el('li', { class: `version version-${version.type}`, 'data-position': version.position }, [
          el('h3', {}, [
            el('time', { datetime: version.asOf }, [day(version.asOf)]),
            ' ',
            badge(version.type),
          ]),
          version.type === 'CoveredEntityChanged'
            ? changeList(version.changes)
            : el('p', { class: 'muted' }, [
                version.type === 'CoveredEntityRegistered'
                  ? 'First seen in this snapshot.'
                  : 'Not in this snapshot: removed.',
              ]),
        ]),
      ),
  );

  const contracts = (latest.contractPharmacies ?? []).filter(() => last.type !== 'CoveredEntityRemoved');
  const shown = contracts.slice(0, 200);
  const contractTable = table(
    `${formatCount(contracts.length)} contract pharmacies${contracts.length > shown.length ? ` (first ${shown.length} shown)` : ''}`,
    ['Contract', 'Pharmacy', 'Place', 'Begin', 'Terminated'],
    shown.map((contract) => [
      String(contract.contractId),
      el('a', { href: pharmacyHref(contract.pharmacyId) }, [
        contract.name ?? `pharmacy ${contract.pharmacyId}`,
      ]),
      [contract.address?.city, contract.address?.state].filter(Boolean).join(' ') || null,
      contract.beginDate ? day(contract.beginDate) : null,
      contract.terminationDate ? day(contract.terminationDate) : null,
    ]),
    true,
  );
  view().append(
    facts,
    el('section', { 'aria-labelledby': 'timeline-heading' }, [
      el('h2', { id: 'timeline-heading' }, [`Timeline (${items.length} versions, newest first)`]),
      timeline,
    ]),
    el('section', { 'aria-labelledby': 'contracts-heading', class: 'wide-table' }, [
      el('h2', { id: 'contracts-heading' }, ['Current contract pharmacies']),
      contracts.length ? contractTable : el('p', {}, ['None.']),
    ]),
  );
  view().dataset.state = 'ready';
}

// ---- a pharmacy: its contracts over time

async function showPharmacy(pharmacyId) {
  const { pharmacy, contracts } = await api(`/pharmacies/${encodeURIComponent(pharmacyId)}`);
  startView(pharmacy.name ?? `Pharmacy ${pharmacyId}`, 'loading');
  view().append(
    el('dl', { class: 'facts' }, [
      ...[
        ['Pharmacy id', pharmacy.pharmacyId],
        [
          'Address',
          [pharmacy.addressLine1, pharmacy.city, [pharmacy.state, pharmacy.zip].filter(Boolean).join(' ')]
            .filter(Boolean)
            .join(', '),
        ],
        ['Phone', pharmacy.phoneNumber],
        [
          'Status',
          pharmacy.current
            ? `in the latest snapshot (these details as of ${day(pharmacy.since)})`
            : `no current contract since ${day(pharmacy.until)} (last known details)`,
        ],
      ].flatMap(([term, value]) => [el('dt', {}, [term]), el('dd', {}, [value || absent()])]),
    ]),
    el('section', { 'aria-labelledby': 'contracts-heading', class: 'wide-table' }, [
      el('h2', { id: 'contracts-heading' }, [`Contracts over time (${contracts.length})`]),
      table(
        'Each contract with this pharmacy: when it appeared in, changed in and left the exports',
        ['Covered entity', 'Contract', 'Begin', 'Terminated', 'Appeared', 'Changed', 'Disappeared', 'Now'],
        contracts.map((contract) => [
          el('a', { href: entityHref(contract.id340B, contract.ceId) }, [
            `${contract.entityName ?? contract.id340B} (${contract.id340B})`,
          ]),
          contract.contractId,
          contract.beginDate ? day(contract.beginDate) : null,
          contract.terminationDate ? day(contract.terminationDate) : null,
          contract.appeared.map(day).join(', ') || null,
          contract.changed.map(day).join(', ') || null,
          contract.disappeared.map(day).join(', ') || null,
          contract.current ? 'current' : 'ended',
        ]),
        true,
      ),
    ]),
  );
  view().dataset.state = 'ready';
}

// ---- search: entities and pharmacies

async function showSearch(q) {
  byId('search-input').value = q;
  const [entities, pharmacies] = await Promise.all([
    api(`/entities?${new URLSearchParams({ q, limit: '20' })}`),
    api(`/pharmacies?${new URLSearchParams({ q, limit: '20' })}`),
  ]);
  startView(`Search: “${q}”`, 'loading');
  const results = (heading, id, items, item) =>
    el('section', { 'aria-labelledby': `${id}-heading` }, [
      el('h2', { id: `${id}-heading` }, [`${heading} (${items.length})`]),
      items.length
        ? el(
            'ul',
            { id, class: 'results' },
            items.map((match) => el('li', {}, item(match))),
          )
        : el('p', {}, ['Nothing found.']),
    ]);
  view().append(
    results('Covered entities', 'search-results', entities.items, (match) => [
      el('a', { href: entityHref(match.id340B, match.ceId) }, [
        `${match.name ?? '(no name)'}${match.subName ? ` — ${match.subName}` : ''}`,
      ]),
      el('span', { class: 'muted' }, [
        ` ${match.id340B} / ${match.ceId}${match.city ? ` · ${match.city}, ${match.state}` : ''}${match.current ? '' : ' · removed'}`,
      ]),
    ]),
    results('Pharmacies', 'pharmacy-results', pharmacies.items, (match) => [
      el('a', { href: pharmacyHref(match.pharmacyId) }, [match.name ?? `pharmacy ${match.pharmacyId}`]),
      el('span', { class: 'muted' }, [
        ` ${match.pharmacyId}${match.city ? ` · ${match.city}, ${match.state} ${match.zip ?? ''}` : ''}`,
      ]),
    ]),
  );
  view().dataset.state = 'ready';
}

// ---- routing

async function route() {
  const [, kind, ...parts] = location.hash.replace(/^#/, '').split('/').map(decodeURIComponent);
  view().dataset.state = 'loading';
  view().setAttribute('aria-busy', 'true');
  byId('error').hidden = true;
  charts = undefined;
  try {
    if (kind === 'entity' && parts.length === 2) await showEntity(parts[0], parts[1]);
    else if (kind === 'pharmacy' && parts[0]) await showPharmacy(parts[0]);
    else if (kind === 'search' && parts[0]) await showSearch(parts.join('/'));
    else await showReport(kind === 'report' ? parts[0] : undefined);
    if (location.hash) byId('view-title')?.focus();
  } catch (error) {
    if (error.code === 'NOT_FOUND') {
      startView('Not found', 'empty');
      view().append(
        el('p', {}, [error.message.replace(/^NOT_FOUND: /, '')]),
        el('p', {}, [el('a', { href: '#/' }, ['Back to the latest report'])]),
      );
    } else showError(error);
  }
}

byId('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = byId('search-input').value.trim();
  if (q) location.hash = `#/search/${encodeURIComponent(q)}`;
});

byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, byId('token-input').value);
  byId('token-form').hidden = true;
  route();
});

window.addEventListener('hashchange', route);
route();

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
