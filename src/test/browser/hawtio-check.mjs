// Opens Hawtio (running beside the app) in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// connected to the app's Jolokia through Hawtio's own proxy, selects a route in the Camel tree, opens its Route Diagram
// and keeps a screenshot. Prints as JSON on stdout what the diagram shows (its nodes' texts) and any page error;
// the JUnit test (HawtioTest) asserts on that.
//
// usage: node hawtio-check.mjs HAWTIO_URL JOLOKIA_PORT ROUTE_ID SCREENSHOT.png   (Jolokia at 127.0.0.1:PORT/observe/jolokia)
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [hawtio, jolokiaPort, routeId, screenshot] = process.argv.slice(2);
if (!hawtio || !jolokiaPort || !routeId || !screenshot) {
  console.error('usage: node hawtio-check.mjs HAWTIO_URL JOLOKIA_PORT ROUTE_ID SCREENSHOT.png');
  process.exit(2);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'hawtio-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
  viewport: { width: 1400, height: 900 },
});
const problems = { pageErrors: [] };
try {
  // Hawtio keeps its connections in the browser's local storage; ?con= picks one, as its Connect page would
  const connections = { ecom: { id: 'ecom', name: 'ecom-pipeline', scheme: 'http', host: '127.0.0.1',
    port: Number(jolokiaPort), path: '/observe/jolokia' } };
  await context.addInitScript(c => localStorage.setItem('connect.connections', c), JSON.stringify(connections));
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', e => problems.pageErrors.push(String(e)));

  await page.goto(`${hawtio}/camel?con=ecom`, { waitUntil: 'load', timeout: 60000 });
  await page.getByText(routeId, { exact: true }).first().click({ timeout: 60000 });
  await page.getByText('Route Diagram', { exact: true }).first().click({ timeout: 30000 });
  await page.waitForSelector('.react-flow__node', { timeout: 30000 });
  await page.waitForTimeout(1500); // the diagram fits itself into view
  const nodes = await page.locator('.react-flow__node').allInnerTexts();
  const title = await page.locator('h1').first().innerText().catch(() => null);
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ url: page.url(), title, nodes, ...problems }));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
