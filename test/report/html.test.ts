/**
 * The HTML report: rendered from report.json, checked in headless Chromium (Debian's
 * `chromium`, driven by playwright-core; .ci/run installs it). Without a Chromium the browser
 * test is skipped, and its title says why.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.ts';
import type { Report } from '../../src/report/report.ts';
import { onPath } from '../../src/runtimes/binaries.ts';
import { ROOT, trapcheck } from '../cli/helpers.ts';

const OUT = join(ROOT, 'reports', 'html-test');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? onPath('chromium') ?? onPath('chromium-browser') ?? onPath('google-chrome');
const WHY = 'no Chromium found (set CHROMIUM_PATH, or `apt-get install -y chromium` as .ci/run does)';
if (!CHROMIUM) console.warn(`test/report/html.test.ts: browser test skipped: ${WHY}`);

let report: Report;
let html: string;

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  // a run with a deliberate failure (a case that expects the wrong trap) on two runtimes
  const r = trapcheck(['run', '--seed', '1', '--runs', '3', '--family', 'core-traps,wasi-exit', '--corpus', 'test/fixtures/wrong-expectation', '--runtime', 'reference,node', '--out', OUT, '--reporter', 'json,html']);
  expect(r.code, r.stderr).toBe(1);
  report = JSON.parse(readFileSync(join(OUT, 'report.json'), 'utf8')) as Report;
  html = readFileSync(join(OUT, 'index.html'), 'utf8');
});

describe('html reporter', () => {
  it('is a self-contained page: no external resources, an inline SVG matrix', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(renderHtml(report)).toBe(html);
  });

  it('report.json carries the family × runtime matrix that the tallies agree with', () => {
    const m = report.matrix!;
    expect(m.runtimes).toEqual(['reference', 'node']);
    expect(m.families).toEqual(expect.arrayContaining(['core-traps', 'wasi-exit']));
    for (const rt of m.runtimes) {
      const total = m.families.reduce((n, f) => n + m.cells[f]![rt]!.total, 0);
      expect(total).toBe(report.perRuntime[rt]!.total);
    }
    expect(m.cells['core-traps']!['reference']!.failed).toBe(1);
  });
});

describe('html report in headless Chromium', () => {
  it.skipIf(!CHROMIUM)(CHROMIUM ? `renders; counts match report.json; a failure row opens its details (${CHROMIUM})` : `skipped: ${WHY}`, async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'], headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(pathToFileURL(join(OUT, 'index.html')).href);
      // renders: the SVG grid has one cell per family × runtime
      const m = report.matrix!;
      expect(await page.locator('#matrix-svg g.cell').count()).toBe(m.families.length * m.runtimes.length);
      // the counts shown are report.json's
      const summary = page.locator('#summary');
      expect(Number(await summary.getAttribute('data-total'))).toBe(report.summary.total);
      expect(Number(await summary.getAttribute('data-fail'))).toBe(report.summary.failed);
      for (const f of m.families)
        for (const rt of m.runtimes) {
          const td = page.locator(`#matrix td[data-family="${f}"][data-runtime="${rt}"]`);
          const c = m.cells[f]![rt]!;
          expect([await td.getAttribute('data-pass'), await td.getAttribute('data-fail'), await td.getAttribute('data-skip')].map(Number)).toEqual([c.passed, c.failed, c.skipped]);
        }
      // a failure row opens its details: expected vs observed and the replay command
      const fail = report.results.find((r) => r.verdict === 'fail')!;
      const row = page.locator('#failures details.failure[data-verdict="fail"]').first();
      await expect.poll(() => row.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
      expect(await row.locator('dd').first().isVisible()).toBe(false);
      await row.locator('summary').click();
      expect(await row.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
      const text = await row.innerText();
      expect(text).toContain(`expected\n${fail.expected}`);
      expect(text).toContain(`observed\n${fail.observed}`);
      expect(text).toContain(fail.repro);
      // clicking a matrix cell filters the list to that family and runtime
      await page.locator(`#matrix td[data-family="wasi-exit"][data-runtime="node"]`).click();
      expect(await page.locator('#failures details.failure:not([hidden])').count()).toBe(report.results.filter((r) => r.family === 'wasi-exit' && r.runtime === 'node' && r.verdict !== 'pass' && r.verdict !== 'skip').length);
      await page.screenshot({ path: join(OUT, 'index.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
