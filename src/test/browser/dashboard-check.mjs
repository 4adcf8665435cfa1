// Opens the KPI dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), waits until
// its charts are drawn, keeps a screenshot, and prints what the page holds as JSON on stdout: the data of every
// Chart.js instance (points as [date, value]), the totals cards, the freshness and open-batch lines, the quarantined
// files, the batches table, the CSV of the view, whether the empty state shows, and any console error, page error or
// failed request. With a FILTER (JSON {"from","to","category"}), it then sets the filters as a person would (the date
// inputs, the category list, "Show"), records the view and its URL (screenshot NAME-filtered.png), reloads that URL and
// records the view again (it must be the same). The JUnit test (DashboardTest) asserts on that JSON.
//
// usage: node dashboard-check.mjs URL SCREENSHOT.png [FILTER_JSON]
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot, filter] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node dashboard-check.mjs URL SCREENSHOT.png [FILTER_JSON]');
  process.exit(2);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
  viewport: { width: 1400, height: 1000 },
});
const problems = { consoleErrors: [], pageErrors: [], failedRequests: [] };

/** What the page shows once its load number passes `after`. */
async function view(page, after) {
  await page.waitForFunction(n => window.dashboard && (window.dashboard.loads > n || window.dashboard.error),
    after, { timeout: 30000 });
  return page.evaluate(() => {
    const d = window.dashboard;
    const date = x => new Date(x * 86400000).toISOString().slice(0, 10);
    const text = sel => document.querySelector(sel)?.textContent ?? null;
    return {
      url: window.location.href,
      title: document.title,
      error: d.error,
      chartJsVersion: window.Chart ? window.Chart.version : null,
      charts: Object.fromEntries(Object.entries(d.charts).map(([name, chart]) => [name, {
        type: chart.config.type,
        xType: chart.options.scales?.x?.type ?? null,
        xMin: chart.options.scales?.x?.min ?? null,
        xMax: chart.options.scales?.x?.max ?? null,
        xTicks: chart.scales.x?.ticks?.map(t => t.label) ?? null,
        labels: chart.data.labels ?? null,
        datasets: chart.data.datasets.map(s => ({ label: s.label, spanGaps: s.spanGaps ?? null,
          data: s.data.map(p => p !== null && typeof p === 'object' ? [date(p.x), p.y] : p) })),
      }])),
      totals: Object.fromEntries([...document.querySelectorAll('#totals .total')].map(t => [t.dataset.total, {
        value: t.querySelector('.value').textContent, change: t.querySelector('.change').textContent,
        meaning: t.querySelector('.meaning').textContent }])),
      summary: d.data.summary ?? null,
      filters: { from: document.getElementById('from').value, to: document.getElementById('to').value,
        category: document.getElementById('category').value,
        categories: [...document.getElementById('category').options].map(o => o.value) },
      freshness: text('#freshness'),
      openBatch: text('#open-batch'),
      rangeNote: text('#range-note'),
      emptyShown: !document.getElementById('empty').hidden,
      emptyText: text('#empty'),
      chartsShown: [...document.querySelectorAll('section.chart-section')].filter(s => !s.hidden).length,
      quarantined: [...document.querySelectorAll('#quarantined tbody tr')].map(tr => ({
        cells: [...tr.querySelectorAll('td')].map(td => td.textContent),
        links: [...tr.querySelectorAll('a')].map(a => a.href) })),
      batches: [...document.querySelectorAll('#batches tbody tr')]
        .map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent)),
      csv: d.csv(),
      scripts: [...document.scripts].map(s => s.src),
    };
  });
}

try {
  const page = context.pages()[0] || await context.newPage();
  page.on('console', m => { if (m.type() === 'error') problems.consoleErrors.push(m.text()); });
  page.on('pageerror', e => problems.pageErrors.push(String(e)));
  page.on('requestfailed', r => problems.failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', r => { if (r.status() >= 400) problems.failedRequests.push(`${r.url()}: HTTP ${r.status()}`); });

  await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  const result = { initial: await view(page, 0) };
  await page.screenshot({ path: screenshot, fullPage: true });

  if (filter) {
    const f = JSON.parse(filter);
    const loads = await page.evaluate(() => window.dashboard.loads);
    await page.fill('#from', f.from || '');
    await page.fill('#to', f.to || '');
    await page.selectOption('#category', f.category || '');
    await page.click('#apply');
    result.filtered = await view(page, loads);
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-filtered.png'), fullPage: true });
    await page.reload({ waitUntil: 'load' });
    result.reloaded = await view(page, 0);
  }
  console.log(JSON.stringify({ ...result, ...problems }));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
