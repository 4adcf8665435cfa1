// Opens the KPI dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), waits until
// its charts are drawn, keeps a screenshot, and prints what the page holds as JSON on stdout: the data of every
// Chart.js instance, the batches table, and any console error, page error or failed request. The JUnit test
// (DashboardTest) asserts on that JSON.
//
// usage: node dashboard-check.mjs URL SCREENSHOT.png
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node dashboard-check.mjs URL SCREENSHOT.png');
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
try {
  const page = context.pages()[0] || await context.newPage();
  page.on('console', m => { if (m.type() === 'error') problems.consoleErrors.push(m.text()); });
  page.on('pageerror', e => problems.pageErrors.push(String(e)));
  page.on('requestfailed', r => problems.failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', r => { if (r.status() >= 400) problems.failedRequests.push(`${r.url()}: HTTP ${r.status()}`); });

  await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  await page.waitForFunction(() => window.dashboard && (window.dashboard.ready || window.dashboard.error),
    null, { timeout: 30000 });
  const content = await page.evaluate(() => ({
    title: document.title,
    error: window.dashboard.error,
    chartJsVersion: window.Chart ? window.Chart.version : null,
    charts: Object.fromEntries(Object.entries(window.dashboard.charts).map(([name, chart]) => [name, {
      type: chart.config.type,
      labels: chart.data.labels,
      datasets: chart.data.datasets.map(d => ({ label: d.label, data: d.data })),
    }])),
    batches: [...document.querySelectorAll('#batches tbody tr')]
      .map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent)),
    scripts: [...document.scripts].map(s => s.src),
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ ...content, ...problems }));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
