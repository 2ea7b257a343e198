// Drive Debian's Chromium with playwright-core, for the browser suites
// (tests/browser/*.test.js): a fresh profile per launch, the two widths we
// design for (360 px phone, 1280 px desktop), screenshots kept as artefacts
// under tests/artifacts/ (gitignored), and axe-core injected from
// node_modules to audit pages against WCAG 2.1 AA.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.REPERE_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const VIEWPORTS = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 900 },
};

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Launch Chromium. playwright-core gives every launch a fresh temporary
// user-data-dir (and removes it on close), so no state leaks between runs.
// Use browser.newContext(contextOptions(...)) for each scenario.
async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

// Options for browser.newContext(): a named viewport ('phone', 'desktop'),
// French locale, the Paris time zone, plus anything else (javaScriptEnabled,
// geolocation, permissions…).
function contextOptions({ viewport = 'desktop', ...rest } = {}) {
  return {
    viewport: typeof viewport === 'string' ? VIEWPORTS[viewport] : viewport,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    ...rest,
  };
}

// Save a screenshot (full page unless told otherwise) as
// tests/artifacts/<suite>/<name>.png.
async function screenshot(page, suite, name, { fullPage = true } = {}) {
  const dir = path.join(ARTIFACTS, suite);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name.replace(/[^a-zA-Z0-9_.-]+/g, '-') + '.png');
  await page.screenshot({ path: file, fullPage });
  return file;
}

// Run axe-core on the page (WCAG 2.1 A and AA rules). Returns the list of
// violations, each summarised as { id, impact, help, targets }.
async function axe(page) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  // Injected through evaluate (not a <script> tag) so the page's CSP, which
  // forbids inline scripts, does not block it.
  if (!has) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  }, AXE_TAGS);
  return result;
}

// "id (impact): help — targets" lines, for assertion messages.
function formatViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(', ')}`).join('\n');
}

module.exports = { launch, contextOptions, screenshot, axe, formatViolations, VIEWPORTS, ARTIFACTS, AXE_TAGS, CHROMIUM };
