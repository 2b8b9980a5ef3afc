// Drives one headless Chromium page for the JUnit browser tests (dev.arcpgateway.ui.HeadlessBrowser): reads one
// JSON command per line on stdin, {"id", "op", ...arguments}, and answers each with one JSON line on stdout,
// {"id", "ok": true, "value"} or {"id", "ok": false, "error"}. Debian's Chromium, never a downloaded build, with a
// fresh profile each run. Chromium's own messages and the page's console go to stderr.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT_MS = Number(process.env.BROWSER_TIMEOUT_MS ?? 20000);

const profile = mkdtempSync(join(tmpdir(), 'arcp-dashboard-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 },
  acceptDownloads: true,
});
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(TIMEOUT_MS);
page.on('console', (message) => process.stderr.write(`[page ${message.type()}] ${message.text()}\n`));
page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.stack ?? error}\n`));

/**
 * Polls `expression` until it is truthy. Not page.waitForFunction: that compiles the expression inside the page,
 * which the dashboard's content security policy (no eval) rightly refuses; page.evaluate runs it from outside.
 */
async function waitFor(expression) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    if (await page.evaluate(expression)) {
      return null;
    }
    if (Date.now() > deadline) {
      throw new Error(`still false after ${TIMEOUT_MS} ms`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

const operations = {
  goto: ({ url }) => page.goto(url).then(() => null),
  fill: ({ selector, text }) => page.fill(selector, text),
  click: ({ selector }) => page.click(selector),
  select: ({ selector, value }) => page.selectOption(selector, value).then(() => null),
  check: ({ selector }) => page.check(selector),
  press: ({ key }) => page.keyboard.press(key),
  text: ({ selector }) => page.textContent(selector),
  texts: ({ selector }) => page.locator(selector).allTextContents(),
  attributes: ({ selector, name }) => page.locator(selector).evaluateAll(
    (elements, attribute) => elements.map((element) => element.getAttribute(attribute)), name),
  waitFor: ({ expression }) => waitFor(expression),
  evaluate: ({ expression }) => page.evaluate(expression),
  viewport: ({ width, height }) => page.setViewportSize({ width, height }),
  colorScheme: ({ scheme }) => page.emulateMedia({ colorScheme: scheme }),
  screenshot: ({ path }) => page.screenshot({ path, fullPage: true }).then(() => null),
  download: async ({ selector, path }) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    await download.saveAs(path);
    return download.suggestedFilename();
  },
};

async function shutdown(code) {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  process.exit(code);
}

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    const command = JSON.parse(line);
    try {
      const operation = operations[command.op];
      if (!operation) {
        throw new Error(`unknown operation ${command.op}`);
      }
      const value = await operation(command);
      process.stdout.write(`${JSON.stringify({ id: command.id, ok: true, value: value ?? null })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ id: command.id, ok: false, error: String(error.message ?? error) })}\n`);
    }
  });
});
lines.on('close', () => queue.then(() => shutdown(0)));
process.stdout.write(`${JSON.stringify({ id: 0, ok: true, value: context.browser()?.version() ?? 'chromium' })}\n`);
