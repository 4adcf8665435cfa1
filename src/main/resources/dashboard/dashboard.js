// The KPI dashboard: fetches the JSON endpoints of routes/dashboard.camel.yaml and draws them with Chart.js.
// window.dashboard exposes the Chart instances and the data, so a test (or a person in the console) can read exactly
// what the charts hold.
'use strict';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f',
  '#bab0ac', '#1f77b4', '#d62728'];
const REFRESH_MS = 60000;
const API = '/dashboard/api/';

const dashboard = { ready: false, error: null, charts: {}, data: {}, loads: 0 };
window.dashboard = dashboard;

Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

async function fetchJson(name) {
  const response = await fetch(API + name, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`${API + name} answered ${response.status}: ${await response.text()}`);
  }
  return response.json();
}

function lineDataset(label, data, i, extra) {
  const color = PALETTE[i % PALETTE.length];
  return Object.assign({ label, data, borderColor: color, backgroundColor: color, spanGaps: true, pointRadius: 2 },
    extra || {});
}

/** Creates the chart on first use, then replaces its data (the instance stays the same across refreshes). */
function draw(name, canvasId, type, data, options) {
  const existing = dashboard.charts[name];
  if (existing) {
    existing.data = data;
    existing.update();
    return;
  }
  dashboard.charts[name] = new Chart(document.getElementById(canvasId), { type, data, options: options || {} });
}

function drawCategoryRevenue(rows) {
  const dates = [...new Set(rows.map(r => r.order_date))].sort();
  const categories = [...new Set(rows.map(r => r.category))].sort();
  const revenue = new Map(rows.map(r => [r.category + '|' + r.order_date, r.daily_revenue]));
  const datasets = categories.map((category, i) =>
    lineDataset(category, dates.map(d => revenue.has(category + '|' + d) ? revenue.get(category + '|' + d) : null), i));
  draw('categoryRevenue', 'category-revenue', 'line', { labels: dates, datasets },
    { scales: { y: { beginAtZero: true, title: { display: true, text: 'revenue' } } } });
}

function drawOrderKpis(rows) {
  const dates = rows.map(r => r.order_date);
  draw('orders', 'orders', 'line', {
    labels: dates,
    datasets: [lineDataset('orders', rows.map(r => r.total_orders), 0),
      lineDataset('unique customers', rows.map(r => r.unique_customers), 1)]
  }, { scales: { y: { beginAtZero: true } } });
  draw('revenue', 'revenue', 'bar', {
    labels: dates,
    datasets: [lineDataset('revenue', rows.map(r => r.total_revenue), 4)]
  }, { scales: { y: { beginAtZero: true } } });
  draw('returnRate', 'return-rate', 'line', {
    labels: dates,
    datasets: [lineDataset('return rate', rows.map(r => r.return_rate), 2)]
  }, {
    scales: { y: { beginAtZero: true, ticks: { callback: v => (v * 100).toFixed(1) + ' %' } } },
    plugins: { tooltip: { callbacks: { label: c => `return rate ${(c.parsed.y * 100).toFixed(2)} %` } } }
  });
}

function drawBatches(batches) {
  const finished = batches.filter(b => b.report).slice().reverse();
  draw('batchRejected', 'batch-rejected', 'bar', {
    labels: finished.map(b => b.batch_id),
    datasets: [lineDataset('rejected rows', finished.map(b => b.report.totals.rows_rejected), 2)]
  }, { scales: { y: { beginAtZero: true } } });

  const body = document.querySelector('#batches tbody');
  body.replaceChildren(...batches.map(b => {
    const t = b.report ? b.report.totals : {};
    const reasons = b.report ? Object.entries(b.report.rejected_by_reason).map(([k, v]) => `${k}: ${v}`).join(', ') : '';
    const dates = b.report ? (b.report.order_dates_changed || []).join(', ') : '';
    const row = document.createElement('tr');
    row.className = b.status;
    const cells = [
      [b.batch_id], [b.error ? `${b.status} (${b.error})` : b.status], [b.first_arrival],
      [t.files, true], [t.archived, true], [t.quarantined, true], [t.rows_read, true], [t.rows_accepted, true],
      [t.rows_rejected, true], [reasons], [dates]];
    for (const [value, numeric] of cells) {
      const cell = document.createElement('td');
      cell.textContent = value === undefined || value === null ? '' : String(value);
      if (numeric) {
        cell.className = 'num';
      }
      row.appendChild(cell);
    }
    return row;
  }));
}

async function load() {
  const status = document.getElementById('status');
  try {
    const [orderKpis, categoryKpis, batches] = await Promise.all(
      [fetchJson('order-kpis'), fetchJson('category-kpis'), fetchJson('batches')]);
    dashboard.data = { orderKpis, categoryKpis, batches };
    drawCategoryRevenue(categoryKpis);
    drawOrderKpis(orderKpis);
    drawBatches(batches);
    dashboard.loads++;
    dashboard.error = null;
    dashboard.ready = true;
    status.className = '';
    status.textContent = `order dates: ${orderKpis.length}, recent batches: ${batches.length}; updated `
      + new Date().toLocaleTimeString();
  } catch (e) {
    dashboard.error = String(e);
    status.className = 'error';
    status.textContent = 'Could not load the KPIs: ' + e.message;
    console.error('dashboard: ' + e.message);
  }
}

load();
setInterval(load, REFRESH_MS);
