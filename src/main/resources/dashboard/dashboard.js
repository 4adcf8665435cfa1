// The KPI dashboard: fetches the JSON endpoints of routes/dashboard.camel.yaml for the range and category in the page's
// own URL (?from=YYYY-MM-DD&to=YYYY-MM-DD&category=C, so a view can be shared and reloads the same) and draws them with
// Chart.js on a time axis: x is the day number, so a range shows its real length and days without data are gaps
// (never joined across). window.dashboard exposes the Chart instances, the data and the CSV of the view, so a test (or a
// person in the console) can read exactly what the page holds.
'use strict';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f',
  '#bab0ac', '#1f77b4', '#d62728'];
const REFRESH_MS = 60000;
const API = '/dashboard/api/';
const DAY_MS = 86400000;

const dashboard = { ready: false, error: null, charts: {}, data: {}, loads: 0, csv };
window.dashboard = dashboard;

Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

// --- formats: every number on the page says its unit

let currencyFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const countFormat = new Intl.NumberFormat('en-US');
const money = v => v === null || v === undefined ? '–' : currencyFormat.format(Number(v));
const count = v => v === null || v === undefined ? '–' : countFormat.format(Number(v));
const percent = (v, digits = 1) => v === null || v === undefined ? '–' : (Number(v) * 100).toFixed(digits) + ' %';
const dayOf = date => Date.parse(date + 'T00:00:00Z') / DAY_MS;
const dateOf = day => new Date(day * DAY_MS).toISOString().slice(0, 10);
const utc = instant => instant ? instant.replace('T', ' ').replace(/(:\d\d)(\.\d+)?Z$/, '$1') + ' UTC' : '–';

function ago(instant) {
  const minutes = Math.round((Date.now() - Date.parse(instant)) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / 1440)} days ago`;
}

// --- the view's parameters, kept in the page's URL

function viewParams() {
  const url = new URLSearchParams(window.location.search);
  const params = new URLSearchParams();
  for (const name of ['from', 'to', 'category']) {
    if (url.get(name)) params.set(name, url.get(name));
  }
  return params;
}

function showView(params) {
  const query = params.toString();
  window.history.pushState(null, '', window.location.pathname + (query ? '?' + query : ''));
  load();
}

async function fetchJson(name, params) {
  const query = params.toString();
  const response = await fetch(API + name + (query ? '?' + query : ''), { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try { message = JSON.parse(text).error || text; } catch (e) { /* not JSON */ }
    throw new Error(`${name}: ${message} (HTTP ${response.status})`);
  }
  return response.json();
}

// --- charts on a time axis

/**
 * Chart.js options with x as the day number from..to (half a day of margin, so a point on the first or last day is
 * whole): ticks fall on days and show dates, as do tooltips.
 */
function timeOptions(range, y) {
  const first = dayOf(range.from);
  const last = dayOf(range.to);
  const step = Math.max(1, Math.ceil((last - first + 1) / 12));
  return {
    parsing: false,
    scales: {
      x: { type: 'linear', min: first - 0.5, max: last + 0.5,
        afterBuildTicks: axis => {
          const ticks = [];
          for (let day = first; day <= last; day += step) ticks.push({ value: day });
          axis.ticks = ticks;
        },
        ticks: { autoSkip: true, maxRotation: 0, callback: v => dateOf(v) } },
      y: Object.assign({ beginAtZero: true }, y),
    },
    plugins: { tooltip: { callbacks: { title: items => items.length ? dateOf(items[0].parsed.x) : '' } } },
  };
}

/**
 * A line over days: a day without data between two days with data gets a null point, so the line breaks there
 * instead of joining across (Chart.js joins consecutive points whatever their distance); the newest order date,
 * which may still be incomplete, is drawn dashed with a larger hollow point rather than looking like a fall.
 */
function timeDataset(label, points, i, partialDay, extra) {
  const color = PALETTE[i % PALETTE.length];
  const data = [];
  points.forEach((p, k) => {
    if (k > 0 && p.x - points[k - 1].x > 1) data.push({ x: points[k - 1].x + 1, y: null });
    data.push(p);
  });
  const partial = ctx => ctx.raw && ctx.raw.x === partialDay;
  return Object.assign({
    label, data, borderColor: color, backgroundColor: color, spanGaps: false,
    pointRadius: ctx => partial(ctx) ? 4 : 3, pointBorderWidth: ctx => partial(ctx) ? 2 : 1,
    pointBackgroundColor: ctx => partial(ctx) ? '#fff' : color,
    segment: { borderDash: ctx => ctx.p1.parsed.x === partialDay ? [5, 4] : undefined },
  }, extra || {});
}

const point = (date, value) => ({ x: dayOf(date), y: value === null || value === undefined ? null : Number(value) });

/** Creates the chart on first use, then replaces its data and options (the instance stays across refreshes). */
function draw(name, canvasId, type, data, options) {
  const existing = dashboard.charts[name];
  if (existing) {
    existing.data = data;
    existing.options = options;
    existing.update();
    return;
  }
  dashboard.charts[name] = new Chart(document.getElementById(canvasId), { type, data, options });
}

function drawCategoryRevenue(rows, range, partialDay) {
  const categories = [...new Set(rows.map(r => r.category))].sort();
  const datasets = categories.map((category, i) => timeDataset(category,
    rows.filter(r => r.category === category).sort((a, b) => a.order_date < b.order_date ? -1 : 1)
      .map(r => point(r.order_date, r.daily_revenue)), i, partialDay));
  draw('categoryRevenue', 'category-revenue', 'line', { datasets }, timeOptions(range, {
    title: { display: true, text: `revenue (${currencyFormat.resolvedOptions().currency})` },
    ticks: { callback: v => money(v) } }));
}

/** Shop-wide rows, or the chosen category's rows in the same shape (no unique customers per category). */
function dailyRows(orderKpis, categoryKpis, category) {
  if (!category) return orderKpis;
  return categoryKpis.map(r => ({ order_date: r.order_date, total_orders: r.orders, total_revenue: r.daily_revenue,
    return_rate: r.avg_return_rate, unique_customers: null }))
    .sort((a, b) => a.order_date < b.order_date ? -1 : 1);
}

function drawDaily(rows, range, category, partialDay) {
  const orders = [timeDataset('orders', rows.map(r => point(r.order_date, r.total_orders)), 0, partialDay)];
  if (!category) {
    orders.push(timeDataset('unique customers', rows.map(r => point(r.order_date, r.unique_customers)), 1, partialDay));
  }
  document.getElementById('orders-title').firstChild.textContent =
    category ? `Orders with ${category} items ` : 'Orders and unique customers ';
  draw('orders', 'orders', 'line', { datasets: orders }, timeOptions(range, { ticks: { precision: 0 } }));
  draw('revenue', 'revenue', 'line', {
    datasets: [timeDataset('revenue', rows.map(r => point(r.order_date, r.total_revenue)), 4, partialDay,
      { fill: 'origin', backgroundColor: 'rgba(89, 161, 79, 0.2)' })]
  }, timeOptions(range, { ticks: { callback: v => money(v) } }));
  const rateOptions = timeOptions(range, { ticks: { callback: v => percent(v) } });
  rateOptions.plugins.tooltip.callbacks.label = c => `return rate ${percent(c.parsed.y, 2)}`;
  draw('returnRate', 'return-rate', 'line', {
    datasets: [timeDataset('return rate', rows.map(r => point(r.order_date, r.return_rate)), 2, partialDay)]
  }, rateOptions);
}

// --- totals, freshness, open batch, quarantined files, batches

function changeText(value, points, lowerIsBetter) {
  if (value === null || value === undefined) return { text: 'no previous data to compare', cls: '' };
  const v = Number(value);
  const text = (v > 0 ? '▲ +' : v < 0 ? '▼ ' : '') + (points ? (v * 100).toFixed(1) + ' pts' : (v * 100).toFixed(1) + ' %');
  const better = lowerIsBetter ? v < 0 : v > 0;
  return { text, cls: v === 0 ? '' : better ? 'up' : 'down' };
}

function drawTotals(summary) {
  const t = summary.totals;
  const c = summary.change;
  const p = summary.previous;
  const cards = [
    ['orders', 'Orders', count(t.orders), c.orders, false, false, 'Orders placed in the range (count).'],
    ['revenue', 'Revenue', money(t.revenue), c.revenue, false, false,
      `Sum of the order amounts in the range (${summary.currency}).`],
    ['avg_order_value', 'Average order value', money(t.avg_order_value), c.avg_order_value, false, false,
      'Revenue divided by orders.'],
    ['return_rate', 'Return rate', percent(t.return_rate), c.return_rate_points, true, true,
      'Share of the orders that were returned (weighted by each day\'s orders).'],
  ];
  const section = document.getElementById('totals');
  section.replaceChildren(...cards.map(([key, label, value, change, points, lowerIsBetter, meaning]) => {
    const ch = changeText(change, points, lowerIsBetter);
    const card = document.createElement('div');
    card.className = 'total';
    card.dataset.total = key;
    card.innerHTML = '<div class="label"></div><div class="value"></div><div class="change"></div><p class="meaning"></p>';
    card.querySelector('.label').textContent = label + (summary.category ? ` (${summary.category})` : '');
    card.querySelector('.value').textContent = value;
    const changeEl = card.querySelector('.change');
    changeEl.textContent = `${ch.text} vs ${p.from} – ${p.to}`;
    changeEl.className = 'change ' + ch.cls;
    card.querySelector('.meaning').textContent = meaning;
    return card;
  }));
}

function drawFreshness(summary) {
  const f = summary.freshness;
  document.getElementById('freshness').textContent = f.newest_order_date
    ? `Data up to ${f.newest_order_date} (newest order date) · last batch finished `
      + (f.last_batch_finished ? `${utc(f.last_batch_finished)} (${ago(f.last_batch_finished)})` : 'never')
    : 'No orders processed yet';
}

function drawOpenBatch(open) {
  document.getElementById('open-batch').textContent = open.files > 0
    ? `${open.files} file(s) waiting since ${utc(open.first_arrival)} (${ago(open.first_arrival)}); the batch closes `
      + `${open.closes_earlier}, or at the latest at ${utc(open.closes_by)}. Their orders are not in the KPIs yet.`
    : 'No batch is being collected: the next file that arrives in incoming/ starts one.';
}

function cell(row, value, numeric) {
  const td = document.createElement('td');
  if (value instanceof Node) td.appendChild(value);
  else td.textContent = value === undefined || value === null ? '' : String(value);
  if (numeric) td.className = 'num';
  row.appendChild(td);
}

function rejectedLink(key, text) {
  if (!key) return '';
  const a = document.createElement('a');
  a.href = API + 'rejected-rows?key=' + encodeURIComponent(key);
  a.textContent = text;
  a.target = '_blank';
  return a;
}

function drawQuarantined(batches) {
  const rows = [];
  for (const b of batches.filter(b => b.report)) {
    const quarantined = new Set();
    for (const q of b.report.quarantined_files) {
      quarantined.add(q.key);
      rows.push([b.batch_id, q.key, 'quarantined', q.detail ? `${q.reason}: ${q.detail}` : q.reason,
        rejectedLink(q.rejected_rows, 'rejected rows')]);
    }
    for (const f of b.report.files_with_rejected_rows || []) {
      if (!quarantined.has(f.key)) {
        rows.push([b.batch_id, f.key, 'archived', `${count(f.rows_rejected)} row(s) rejected`,
          rejectedLink(f.rejected_rows, 'rejected rows')]);
      }
    }
  }
  const body = document.querySelector('#quarantined tbody');
  if (!rows.length) {
    const tr = document.createElement('tr');
    cell(tr, 'No quarantined file and no rejected row in the recent batches.');
    tr.firstChild.colSpan = 5;
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(...rows.map(values => {
    const tr = document.createElement('tr');
    values.forEach(v => cell(tr, v));
    return tr;
  }));
}

function drawBatches(batches) {
  const finished = batches.filter(b => b.report).slice().reverse();
  draw('batchRejected', 'batch-rejected', 'bar', {
    labels: finished.map(b => b.batch_id),
    datasets: [{ label: 'rejected rows', data: finished.map(b => b.report.totals.rows_rejected),
      backgroundColor: PALETTE[2], maxBarThickness: 60 }]
  }, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });

  document.querySelector('#batches tbody').replaceChildren(...batches.map(b => {
    const t = b.report ? b.report.totals : {};
    const reasons = b.report ? Object.entries(b.report.rejected_by_reason).map(([k, v]) => `${k}: ${v}`).join(', ') : '';
    const dates = b.report ? datesChanged(b.report) : '';
    const row = document.createElement('tr');
    row.className = b.status;
    cell(row, b.batch_id);
    cell(row, b.error ? `${b.status} (${b.error})` : b.status);
    cell(row, utc(b.first_arrival));
    [t.files, t.archived, t.quarantined, t.rows_read, t.rows_accepted, t.rows_rejected].forEach(v => cell(row, v, true));
    cell(row, reasons);
    cell(row, dates);
    return row;
  }));
}

/** A batch's changed order dates: all of them when few, else their count and span (all in the tooltip). */
function datesChanged(report) {
  const list = report.order_dates_changed || [];
  const moved = report.orders_moved ? report.orders_moved.count : 0;
  const span = document.createElement('span');
  span.textContent = list.length <= 6 ? list.join(', ')
    : `${list.length} dates, ${list[0]} … ${list[list.length - 1]}`;
  if (moved) span.textContent += ` (${moved} order${moved === 1 ? '' : 's'} moved from another date)`;
  span.title = list.join(', ');
  return span;
}

// --- filters and CSV

function fillFilters(summary) {
  document.getElementById('from').value = summary.range.from;
  document.getElementById('to').value = summary.range.to;
  const select = document.getElementById('category');
  select.replaceChildren(select.options[0], ...summary.categories.map(c => new Option(c, c)));
  select.value = summary.category || '';
}

function csvField(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** The daily KPIs the view shows: the shop's (category "all") and each category's, oldest first. */
function csv() {
  const { orderKpis, categoryKpis, summary } = dashboard.data;
  if (!summary) return '';
  const lines = [['order_date', 'category', 'orders', 'revenue_' + summary.currency, 'return_rate', 'unique_customers']];
  if (!summary.category) {
    orderKpis.forEach(r => lines.push([r.order_date, 'all', r.total_orders, r.total_revenue, r.return_rate,
      r.unique_customers]));
  }
  categoryKpis.slice().sort((a, b) => a.order_date < b.order_date ? -1 : a.order_date > b.order_date ? 1
    : a.category < b.category ? -1 : 1)
    .forEach(r => lines.push([r.order_date, r.category, r.orders, r.daily_revenue, r.avg_return_rate, '']));
  return lines.map(l => l.map(csvField).join(',')).join('\n') + '\n';
}

function downloadCsv() {
  const s = dashboard.data.summary;
  if (!s) return;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([csv()], { type: 'text/csv' }));
  a.download = `kpis_${s.range.from}_${s.range.to}${s.category ? '_' + s.category : ''}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

document.getElementById('filters').addEventListener('submit', e => {
  e.preventDefault();
  const params = new URLSearchParams();
  for (const name of ['from', 'to', 'category']) {
    const value = document.getElementById(name).value;
    if (value) params.set(name, value);
  }
  showView(params);
});
document.querySelectorAll('#filters .quick a').forEach(a => a.addEventListener('click', e => {
  e.preventDefault();
  const to = document.getElementById('to').value || dashboard.data.summary?.range.to;
  if (!to) return;
  document.getElementById('from').value = dateOf(dayOf(to) - Number(a.dataset.days) + 1);
  document.getElementById('filters').requestSubmit();
}));
document.getElementById('csv').addEventListener('click', downloadCsv);
window.addEventListener('popstate', () => load());

// --- loading

async function load() {
  const status = document.getElementById('status');
  const params = viewParams();
  try {
    const [summary, orderKpis, categoryKpis, batches] = await Promise.all([fetchJson('summary', params),
      fetchJson('order-kpis', params), fetchJson('category-kpis', params), fetchJson('batches', new URLSearchParams())]);
    dashboard.data = { summary, orderKpis, categoryKpis, batches };
    currencyFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: summary.currency });
    document.querySelectorAll('[data-unit=currency]').forEach(e => { e.textContent = `(${summary.currency})`; });
    const range = summary.range;
    const newest = summary.freshness.newest_order_date;
    const partialDay = newest && newest >= range.from && newest <= range.to ? dayOf(newest) : null;
    const empty = !newest && !summary.categories.length && !orderKpis.length;
    document.getElementById('empty').hidden = !empty;
    document.getElementById('totals').hidden = empty;
    document.querySelectorAll('main > section.chart-section').forEach(s => { s.hidden = empty; });

    fillFilters(summary);
    drawFreshness(summary);
    drawTotals(summary);
    drawCategoryRevenue(categoryKpis, range, partialDay);
    drawDaily(dailyRows(orderKpis, categoryKpis, summary.category), range, summary.category, partialDay);
    drawOpenBatch(summary.open_batch);
    drawQuarantined(batches);
    drawBatches(batches);
    document.getElementById('range-note').textContent = `${range.from} – ${range.to} (${range.days} days`
      + (summary.category ? `, category ${summary.category}` : ', all categories') + `), compared with `
      + `${summary.previous.from} – ${summary.previous.to}. Days without data are gaps in the lines`
      + (partialDay !== null ? `; ${newest}, the newest order date, may still be incomplete (dashed).` : '.')
      + (orderKpis.length || empty ? '' : ' No KPIs in this range.');
    dashboard.loads++;
    dashboard.error = null;
    dashboard.ready = true;
    status.className = '';
    status.textContent = '';
  } catch (e) {
    dashboard.error = String(e);
    status.className = 'error';
    status.textContent = 'Could not load the KPIs: ' + e.message;
    console.error('dashboard: ' + e.message);
  }
}

load();
setInterval(load, REFRESH_MS);
