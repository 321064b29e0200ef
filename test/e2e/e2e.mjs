// The end-to-end test of the Realmscope extension in real VS Code (code-server), driven through
// its UI with playwright-core and Debian's chromium (headless). test/e2e/run.sh starts the server
// with the extension installed and a workspace, and runs this:
//
//   node test/e2e/e2e.mjs --url URL --workspace DIR --shots DIR --debug-shots DIR --playwright PATH
//                         [--profile DIR]   (chromium's user data dir: a fresh one by default)
//
// Every check that cannot be made fails the test with a message naming what is missing; nothing
// is skipped. Screenshots of the views (cropped to the panel) go to --shots (docs/images), full
// window screenshots of every step and of a failure to --debug-shots.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['url', 'workspace', 'shots', 'debug-shots', 'playwright']) {
  if (!opts[k]) { console.error(`e2e.mjs: --${k} is required`); process.exit(2); }
}
const require = createRequire(import.meta.url);
const { chromium } = require(opts.playwright);

const UART_VA = 0x9000000n;
const T0 = Date.now();
const secs = () => ((Date.now() - T0) / 1000).toFixed(1);
const log = (m) => console.log(`[e2e ${secs().padStart(5)} s] ${m}`);
const flat = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms) => new Promise(r => setTimeout(r, ms));

fs.mkdirSync(opts.shots, { recursive: true });
fs.mkdirSync(opts['debug-shots'], { recursive: true });

/** A failed check: the message names what is missing and what was seen instead. */
class CheckFailed extends Error {}
const checks = [];
let current = '';
async function check(name, fn) {
  current = name;
  const t = Date.now();
  await fn();
  checks.push(name);
  log(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
function fail(msg) { throw new CheckFailed(msg); }

// ------------------------------------------------------------------------------------------------
// Browser
// ------------------------------------------------------------------------------------------------
// Playwright refuses --user-data-dir in args: a persistent context on a fresh dir is that.
const profile = opts.profile ? (fs.mkdirSync(opts.profile, { recursive: true }), opts.profile)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'realmscope-e2e-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: process.env.REALMSCOPE_E2E_HEADED !== '1',
  viewport: { width: 1280, height: 860 },
  deviceScaleFactor: 1,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
});
const page = ctx.pages()[0] ?? await ctx.newPage();
const pageErrors = [];
page.on('pageerror', e => pageErrors.push(e.message));

let shotNo = 0;
async function debugShot(name) {
  const f = path.join(opts['debug-shots'], `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: f }).catch(() => {});
  return f;
}

/** A README screenshot of an element, as PNG: the floating debug toolbar hidden, the mouse parked
 *  where it raises no hover, and the height cut to `height` px when given (a view's content). */
async function shot(locator, file, height) {
  await page.mouse.move(24, 700);
  await sleep(400);                        // let hovers close and rows settle
  await page.evaluate(() => document.querySelectorAll('.debug-toolbar').forEach(e => { e.style.visibility = 'hidden'; }));
  const f = path.join(opts.shots, file);
  try {
    const box = await locator.boundingBox();
    if (!box) fail(`nothing to screenshot for ${file}`);
    const h = height ? Math.min(box.height, Math.max(80, Math.ceil(height))) : box.height;
    await page.screenshot({ path: f, clip: { x: box.x, y: box.y, width: box.width, height: h }, animations: 'disabled' });
  } finally {
    await page.evaluate(() => document.querySelectorAll('.debug-toolbar').forEach(e => { e.style.visibility = ''; }));
  }
  log(`screenshot ${path.relative(process.cwd(), f)} (${(fs.statSync(f).size / 1024).toFixed(0)} KiB)`);
}

/** The height of a pane's content: header plus rendered rows, plus a margin. */
async function contentHeight(p) {
  const top = (await p.boundingBox())?.y ?? 0;
  const rows = rowsOf(p);
  let bottom = top + 30;
  const n = await rows.count();
  for (let i = 0; i < n; i++) {
    const b = await rows.nth(i).boundingBox();
    if (b) bottom = Math.max(bottom, b.y + b.height);
  }
  return bottom - top + 8;
}

// ------------------------------------------------------------------------------------------------
// Workbench helpers
// ------------------------------------------------------------------------------------------------
const quickInput = page.locator('.quick-input-widget');
const quickInputBox = quickInput.locator('input').first();

async function closeQuickInput() {
  if (await quickInput.isVisible()) await page.keyboard.press('Escape');
}

/** Runs a command from the palette. Extension contributions arrive a few seconds after the
 *  workbench: retry until the command is listed. */
async function runCommand(title, timeout = 60000) {
  const end = Date.now() + timeout;
  for (let attempt = 1; ; attempt++) {
    await closeQuickInput();
    await page.keyboard.press('F1');
    await quickInputBox.waitFor({ state: 'visible', timeout: 10000 });
    await quickInputBox.fill('>' + title);
    const row = quickInput.locator('.monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 2500 });
      await row.click();
      return;
    } catch {
      if (Date.now() > end) {
        const seen = flat(await quickInput.locator('.monaco-list').first().innerText().catch(() => ''));
        await closeQuickInput();
        fail(`command "${title}" is not in the command palette (palette shows: ${seen.slice(0, 300) || 'nothing'})`);
      }
      await closeQuickInput();
      await sleep(700);
    }
  }
}

/** A view pane (in any side bar or panel) by its title. */
function pane(title) {
  return page.locator('.pane').filter({
    has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^\\s*${esc(title)}\\s*$`, 'i') }),
  }).first();
}
const paneHeader = (p) => p.locator('.pane-header').first();
const rowsOf = (p) => p.locator('.pane-body .monaco-list-row');

async function isExpandedPane(p) {
  return (await paneHeader(p).getAttribute('aria-expanded')) === 'true';
}

/** Shows a view (its "Focus on ... View" command) and collapses the other panes beside it, so that
 *  it gets the whole height of its container. Returns the pane and a function that expands the
 *  collapsed panes again. */
async function openView(title) {
  await runCommand(`Focus on ${title} View`);
  const p = pane(title);
  await p.waitFor({ state: 'visible', timeout: 15000 }).catch(() => fail(`view "${title}" did not open`));
  const container = p.locator('xpath=ancestor::*[contains(@class,"split-view-container")][1]');
  const siblings = container.locator(':scope > .split-view-view > .pane');
  const n = await siblings.count();
  const collapsed = [];
  for (let i = 0; i < n; i++) {
    const s = siblings.nth(i);
    const t = flat(await s.locator('.pane-header h3.title').first().textContent().catch(() => ''));
    if (t.toLowerCase() === title.toLowerCase()) continue;
    if (await isExpandedPane(s)) { await paneHeader(s).click(); collapsed.push(t); }
  }
  if (!(await isExpandedPane(p))) await paneHeader(p).click();
  await sleep(300);
  const restore = async () => {
    for (const t of collapsed) {
      const s = pane(t);
      if (!(await isExpandedPane(s))) await paneHeader(s).click().catch(() => {});
    }
  };
  return Object.assign(p, { restore });
}

/** Widens the side bar (the Realm views' labels are long) by dragging its sash; with `exact`,
 *  narrows it too. */
async function resizeSideBar(width, exact = false) {
  const sb = page.locator('.part.sidebar').first();
  const box = await sb.boundingBox();
  if (!box || (box.width >= width && !exact)) return;
  const x = box.x + box.width, y = box.y + box.height / 2;
  await page.mouse.move(x - 1, y);
  await page.mouse.down();
  await page.mouse.move(x + 100, y, { steps: 4 });
  await page.mouse.move(box.x + width, y, { steps: 4 });
  await page.mouse.up();
  await sleep(200);
}

/** Rows of a tree view as { text, level, expanded, row } (text = label · description), read in
 *  one pass over the rendered rows. */
async function treeRows(p) {
  const rows = rowsOf(p);
  const data = await rows.evaluateAll(els => els.map(el => {
    const t = (sel) => (el.querySelector(sel)?.innerText ?? '').replace(/\s+/g, ' ').trim();
    const label = t('.label-name'), desc = t('.label-description');
    return {
      text: label || desc ? [label, desc].filter(Boolean).join(' · ') : el.innerText.replace(/\s+/g, ' ').trim(),
      level: Number(el.getAttribute('aria-level')) || 0,
      expanded: el.hasAttribute('aria-expanded') ? el.getAttribute('aria-expanded') === 'true' : undefined,
      top: el.getBoundingClientRect().top,
      index: el.getAttribute('data-index'),
    };
  })).catch(() => []);
  // data-index is the item's index in the list: stable while rows are recycled by scrolling.
  return data.sort((x, y) => x.top - y.top)
    .map(d => ({ ...d, row: p.locator(`.pane-body .monaco-list-row[data-index="${d.index}"]`).first() }));
}

/** Scrolls a pane's tree (a virtual list) from the top until a row satisfies `pred`. */
async function findRowScrolling(p, pred) {
  const list = p.locator('.monaco-list').first();
  const box = await list.boundingBox();
  if (!box) return undefined;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -100000);
  await sleep(150);
  const scrollTop = () => list.locator('.monaco-scrollable-element').first()
    .evaluate(e => e.querySelector('.monaco-list-rows')?.style.top ?? '').catch(() => '');
  let stuck = 0;
  for (let i = 0; i < 400 && stuck < 4; i++) {
    const hit = (await treeRows(p)).find(pred);
    if (hit) return hit;
    const before = await scrollTop();
    for (let k = 0; k < 4; k++) { await page.mouse.wheel(0, 100); await sleep(40); }
    await sleep(100);
    stuck = (await scrollTop()) === before ? stuck + 1 : 0;
  }
  return undefined;
}

/** Scrolls a pane's tree so that `row` has `above` rows above it. (Monaco moves a list by a fixed
 *  step per wheel event, whatever its delta: repeat until there.) */
async function scrollRowNearTop(p, row, above) {
  const list = p.locator('.monaco-list').first();
  const lb = await list.boundingBox();
  if (!lb) return;
  await page.mouse.move(lb.x + lb.width / 2, lb.y + lb.height / 2);
  let stuck = 0, last;
  for (let i = 0; i < 100 && stuck < 4; i++) {
    const rb = await row.boundingBox();
    if (!rb) return;
    const delta = rb.y - lb.y - above * rb.height;
    if (Math.abs(delta) < rb.height) return;
    stuck = rb.y === last ? stuck + 1 : 0;
    last = rb.y;
    await page.mouse.wheel(0, Math.sign(delta) * Math.min(Math.abs(delta), 100));
    await sleep(100);
  }
}

/** Expands (or collapses) a tree row by its twistie. Views re-render their rows at a stop or
 *  a refresh, so a row can go stale under the click: retry. */
async function expandRow(r, expanded = true) {
  const want = String(expanded);
  const end = Date.now() + 15000;
  while (Date.now() < end) {
    if ((await r.getAttribute('aria-expanded', { timeout: 2000 }).catch(() => null)) === want) return;
    await r.locator('.monaco-tl-twistie').first().click({ timeout: 2000 }).catch(() => {});
    for (let i = 0; i < 10; i++) {
      if ((await r.getAttribute('aria-expanded', { timeout: 1000 }).catch(() => null)) === want) return;
      await sleep(100);
    }
  }
  fail(`could not ${expanded ? 'expand' : 'collapse'} the tree row "${flat(await r.innerText({ timeout: 1000 }).catch(() => '?'))}"`);
}

async function dumpTree(p) {
  return (await treeRows(p)).map(r => `${'  '.repeat(Math.max(0, r.level - 1))}${r.expanded === undefined ? ' ' : r.expanded ? 'v' : '>'} ${r.text}`).join('\n');
}

/** The (webview) frame whose text matches `id`, once it also matches `re`. */
async function waitForFrame(id, re, timeout, what) {
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      const t = await f.evaluate(() => document.body ? document.body.innerText : '').catch(() => '');
      if (id.test(t)) { last = t; if (re.test(t)) return f; }
    }
    await sleep(400);
  }
  fail(`${what}: ${last ? `no ${re} in it: "${flat(last).slice(0, 300)}"` : `no frame shows ${id}`}`);
}

/** The bottom of a frame's visible content (a webview's document fills its view: measure its
 *  elements instead). */
async function frameContentBottom(f) {
  return f.evaluate(() => {
    let b = 0;
    for (const e of document.body.querySelectorAll('*')) {
      // leaves and pictures only: containers may be as tall as the view
      if (e.children.length && !/^(svg|canvas|img|table)$/i.test(e.tagName)) continue;
      if (e.closest('svg') && e.tagName.toLowerCase() !== 'svg') continue;
      if (e.checkVisibility && !e.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden') b = Math.max(b, r.bottom);
    }
    return Math.ceil(b);
  }).catch(() => 0);
}

async function closeBottomPanel() {
  const panel = page.locator('.part.panel').first();
  if (await panel.isVisible().catch(() => false)) await runCommand('View: Hide Panel').catch(() => {});
}

// Debug UI
const toolbar = page.locator('.debug-toolbar');
const callStackPane = () => pane('Call Stack');

/** What the UI says about the current stop: the CALL STACK header (one session, one thread) and
 *  its rows (several). */
async function stopText() {
  const header = flat(await paneHeader(callStackPane()).innerText().catch(() => ''));
  const rows = flat((await page.locator('.debug-call-stack .monaco-list-row').allInnerTexts().catch(() => [])).join(' / '));
  return `${header} | ${rows}`;
}

async function waitForStop(re, timeout, what) {
  const end = Date.now() + timeout;
  let t = '';
  while (Date.now() < end) {
    t = await stopText();
    if (re.test(t)) return t;
    await failOnErrorDialog(what);
    await sleep(250);
  }
  fail(`${what}: the Call Stack view never showed ${re}; it shows: "${t}"`);
}

async function showRunAndDebug() {
  await runCommand('View: Show Run and Debug');
  await page.locator('.debug-breakpoints, .pane-header:has-text("Breakpoints")').first().waitFor({ timeout: 15000 })
    .catch(() => fail('the Run and Debug view has no BREAKPOINTS view'));
}

/** An error dialog or notification (a refused launch, an adapter error) fails the test with its text. */
async function failOnErrorDialog(what) {
  const dialog = page.locator('.monaco-dialog-box').first();
  if (await dialog.isVisible().catch(() => false)) {
    const t = flat(await dialog.innerText().catch(() => '')).replace(/\s*(Cancel|OK|Open 'launch\.json'|Close)\s*/g, ' ').trim();
    fail(`${what}: VS Code shows an error dialog: "${t}"`);
  }
  const toast = page.locator('.notifications-toasts .notification-toast:has(.codicon-error)').first();
  if (await toast.isVisible().catch(() => false)) {
    fail(`${what}: VS Code shows an error notification: "${flat(await toast.textContent().catch(() => ''))}"`);
  }
}

async function toolbarVisible() { return toolbar.isVisible().catch(() => false); }

async function waitToolbarGone(timeout = 20000) {
  await toolbar.waitFor({ state: 'hidden', timeout }).catch(() => fail('the debug session did not end (debug toolbar still shown)'));
}

/** Puts the keyboard focus in the workbench (not in a webview, a terminal or an input) so that
 *  F5, F10 and Shift+F5 reach it: a click on the side bar's title, which does nothing. */
async function focusWorkbench() {
  await closeQuickInput();
  const title = page.locator('.part.sidebar .composite.title .title-label').first();
  if (await title.isVisible().catch(() => false)) {
    await title.click({ timeout: 3000 }).catch(() => {});
    return;
  }
  await page.locator('.part.statusbar').first().click({ position: { x: 600, y: 10 }, timeout: 3000 }).catch(() => {});
}

/** The exception filter rows of the BREAKPOINTS view (a virtual list: scrolls to find a row). */
async function findBreakpointRow(label, timeout = 15000) {
  const bp = pane('Breakpoints');
  const list = bp.locator('.monaco-list').first();
  const rowRe = new RegExp(`^\\s*${esc(label)}\\s*$`);
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const row = bp.locator('.monaco-list-row').filter({ has: page.locator('.name', { hasText: rowRe }) }).first();
    if (await row.count()) return row;
    // Scroll down a page; back to the top when at the end.
    const box = await list.boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 40));
      const before = await list.locator('.monaco-scrollable-element').first().evaluate(e => e.querySelector('.monaco-list-rows')?.style.top ?? '').catch(() => '');
      await page.mouse.wheel(0, 150);
      await sleep(150);
      const after = await list.locator('.monaco-scrollable-element').first().evaluate(e => e.querySelector('.monaco-list-rows')?.style.top ?? '').catch(() => '');
      if (before === after) { await page.mouse.wheel(0, -5000); await sleep(150); }
    } else await sleep(250);
  }
  return undefined;
}

async function enableExceptionFilter(label) {
  for (let attempt = 0; attempt < 8; attempt++) {
    const row = await findBreakpointRow(label);
    if (!row) {
      const seen = flat((await pane('Breakpoints').locator('.monaco-list-row').allInnerTexts().catch(() => [])).join(' | '));
      fail(`exception filter "${label}" is not in the BREAKPOINTS view (it shows: ${seen.slice(0, 400)})`);
    }
    const box = row.locator('input[type=checkbox]').first();
    if (await box.isChecked({ timeout: 2000 }).catch(() => false)) return;
    await box.click({ timeout: 2000 }).catch(() => {});   // the row may be re-rendered under the click
    await sleep(300);
  }
  fail(`the checkbox of exception filter "${label}" does not stay ticked`);
}

// ------------------------------------------------------------------------------------------------
// The test
// ------------------------------------------------------------------------------------------------
// A watchdog: a hung step fails the test instead of hanging CI.
const WATCHDOG_S = Number(process.env.REALMSCOPE_E2E_TIMEOUT ?? 600);
setTimeout(async () => {
  console.error(`\nE2E FAILED: no result after ${WATCHDOG_S} s, at "${current}"`);
  await debugShot('TIMEOUT');
  console.log(`\ne2e: ${checks.length} passed, 1 failed`);
  process.exit(1);
}, WATCHDOG_S * 1000).unref();

let exitCode = 0;
try {
  await check('the workbench opens the workspace', async () => {
    await page.goto(opts.url);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60000 })
      .catch(() => fail('the VS Code workbench did not load'));
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'examples' }).first().waitFor({ timeout: 60000 })
      .catch(() => fail('the Explorer does not list the workspace folder "examples"'));
  });

  await check('the Realmscope debugger runs realm-hello (F5) and declares its exception filters', async () => {
    await showRunAndDebug();
    await resizeSideBar(800);
    // The first F5 can be lost while the extension host starts: press it until a session shows.
    // realm-hello runs to its end (PSCI SYSTEM_OFF) without a breakpoint; what matters here is
    // that VS Code learnt the adapter's exception filters (initialize), which stay listed.
    const end = Date.now() + 90000;
    let started = false;
    while (Date.now() < end && !started) {
      await focusWorkbench();
      await page.keyboard.press('F5');
      const t = Date.now();
      while (Date.now() - t < 6000) {
        await failOnErrorDialog('starting the Realm session');
        if (await toolbarVisible()) { started = true; break; }
        if (await pane('Breakpoints').locator('.name', { hasText: /^\s*RSI call \(any\)\s*$/ }).count()) { started = true; break; }
        await sleep(100);
      }
    }
    if (!started) fail('F5 never started a debug session (no debug toolbar within 90 s)');
    const row = await findBreakpointRow('RSI call (any)', 30000);
    if (!row) fail('the BREAKPOINTS view lists no Realm exception filter ("RSI call (any)") after a session started');
    await waitToolbarGone(60000);
    await debugShot('first-session-done');
  });

  await check('the exception filters RSI_REALM_CONFIG and RSI_IPA_STATE_GET can be ticked', async () => {
    await enableExceptionFilter('RSI_REALM_CONFIG');
    await enableExceptionFilter('RSI_IPA_STATE_GET');
    await debugShot('filters-ticked');
  });

  let stop1 = '';
  await check('F5 stops at RSI_REALM_CONFIG, the stop description names it', async () => {
    const end = Date.now() + 60000;
    while (!(await toolbarVisible())) {
      if (Date.now() > end) fail('F5 did not start the Realm session (no debug toolbar)');
      await focusWorkbench();
      await page.keyboard.press('F5');
      await toolbar.waitFor({ state: 'visible', timeout: 6000 }).catch(() => {});
    }
    stop1 = await waitForStop(/RSI_REALM_CONFIG/, 60000, 'the stop at RSI_REALM_CONFIG');
    log(`stop: ${stop1}`);
    await debugShot('stop-realm-config');
  });

  await check('the Variables view has a "Realm" scope with "IPA width 41 bits"', async () => {
    const vars = page.locator('.debug-variables').first();
    await vars.waitFor({ timeout: 10000 }).catch(() => fail('no VARIABLES view'));
    const scopeRows = vars.locator('.monaco-list-row[aria-level="1"]');
    await scopeRows.first().waitFor({ timeout: 15000 }).catch(() => fail('the VARIABLES view shows no scope'));
    // Scopes are a virtual list and Registers comes first, expanded: collapse the scopes before
    // "Realm" until its row is rendered, then expand it.
    const realm = scopeRows.filter({ hasText: /^\s*Realm\b/ }).first();
    for (let i = 0; i < 20 && !(await realm.count()); i++) {
      const open = vars.locator('.monaco-list-row[aria-level="1"][aria-expanded="true"]').first();
      if (!(await open.count())) {
        const names = (await scopeRows.allInnerTexts().catch(() => [])).map(flat);
        fail(`the VARIABLES view has no "Realm" scope (scopes: ${names.join(', ')})`);
      }
      const name = flat(await open.innerText({ timeout: 2000 }).catch(() => ''));
      await expandRow(vars.locator('.monaco-list-row[aria-level="1"]').filter({ hasText: name }).first(), false).catch(() => {});
      await sleep(200);
    }
    if (!(await realm.count())) fail('the VARIABLES view has no "Realm" scope');
    await expandRow(realm);
    const row = vars.locator('.monaco-list-row[aria-level="2"]', { hasText: /IPA width/ }).first();
    await row.waitFor({ timeout: 10000 }).catch(async () =>
      fail(`the "Realm" scope has no "IPA width" (it shows: ${flat((await vars.locator('.monaco-list-row').allInnerTexts()).join(' | ')).slice(0, 400)})`));
    const t = flat(await row.innerText());
    log(`Realm scope: ${t}`);
    if (!/IPA width\W*41 bits/.test(t)) fail(`the Realm scope's IPA width reads "${t}", not "IPA width: 41 bits"`);
    await debugShot('realm-scope');
  });

  await check('continue (F5) to RSI_IPA_STATE_GET (the MMU is on by then)', async () => {
    await focusWorkbench();
    await page.keyboard.press('F5');
    const t = await waitForStop(/RSI_IPA_STATE_GET/, 60000, 'the stop at RSI_IPA_STATE_GET');
    log(`stop: ${t}`);
  });

  await check('Stage 1: the descriptor that maps the UART (VA 0x9000000) is in the unprotected half', async () => {
    const p = await openView('Stage 1');
    // Descend: at each level, expand the table entry whose input range holds the UART's VA, down
    // to the block or page descriptor that maps it. Labels: "L<level> [<inputBase>..] <type> -> <output>".
    const SIZE = { 0: 1n << 39n, 1: 1n << 30n, 2: 1n << 21n, 3: 1n << 12n };
    const parse = (r) => {
      const m = /\bL(\d)\s*\[(0x[0-9a-f]+)\.*\]?\s*(table|block|page)\b/i.exec(r.text);
      return m ? { level: Number(m[1]), base: BigInt(m[2]), type: m[3].toLowerCase() } : undefined;
    };
    const holdsUart = (r) => { const e = parse(r); return !!e && UART_VA >= e.base && UART_VA < e.base + SIZE[e.level]; };
    let leaf;
    const seen = new Set();
    const end = Date.now() + 60000;
    while (!leaf && Date.now() < end) {
      // The deepest not yet expanded entry on the UART's path (the list is virtual: scroll to it).
      const r = await findRowScrolling(p, x => holdsUart(x) && !seen.has(x.text) && (parse(x).type !== 'table' || x.expanded === false));
      if (!r) {
        const root = (await treeRows(p)).find(x => /TTBR0/.test(x.text) && x.expanded === false);
        if (root) { await expandRow(root.row); continue; }
        await sleep(500);
        if (seen.size) break;
        continue;
      }
      seen.add(r.text);
      if (parse(r).type === 'table') { await expandRow(r.row); await sleep(300); } else leaf = r;
    }
    if (!leaf) fail(`no Stage 1 descriptor maps VA 0x9000000; the view shows:\n${await dumpTree(p)}`);
    log(`UART descriptor: ${leaf.text}`);
    if (!/\bunprotected\b/.test(leaf.text)) fail(`the Stage 1 descriptor of the UART does not say "unprotected": "${leaf.text}"`);
    // The UART's page near the top of the list if it can scroll that far (it is often the last
    // row), selected so that it stands out in the picture.
    await scrollRowNearTop(p, leaf.row, 8);
    await leaf.row.locator('.label-name').first().click();
    await shot(p, 'stage1.png');
    await p.restore();
  });

  await check('Stage 2: the Realm Translation Table expands, with states and RIPAS', async () => {
    const p = await openView('Stage 2');
    const end = Date.now() + 30000;
    let rows = [];
    let expansions = 0;
    // Expand the first table entries (L0 and L1 at IPA 0, where the firmware is), one more level
    // if no entry state shows yet.
    while (Date.now() < end) {
      rows = await treeRows(p);
      const text = rows.map(r => r.text).join('\n');
      const collapsed = rows.find(r => r.expanded === false);
      if (!collapsed || expansions >= 4 || (expansions >= 2 && /\bassigned\b/.test(text))) break;
      await expandRow(collapsed.row);
      expansions++;
      await sleep(400);
    }
    const text = rows.map(r => r.text).join('\n');
    if (!rows.length) fail('the Stage 2 view is empty');
    if (expansions === 0) fail(`the Stage 2 view has no expandable table entry:\n${await dumpTree(p)}`);
    if (!/\b(assigned|unassigned)\b/i.test(text)) fail(`the Stage 2 view shows no entry state (assigned/unassigned):\n${await dumpTree(p)}`);
    if (!/\b(RAM|EMPTY|DESTROYED)\b/.test(text)) fail(`the Stage 2 view shows no RIPAS (RAM/EMPTY/DESTROYED):\n${await dumpTree(p)}`);
    log(`Stage 2 rows: ${rows.slice(0, 6).map(r => r.text).join(' | ')}`);
    await shot(p, 'stage2.png', Math.min(await contentHeight(p), 360));
    await p.restore();
  });

  await check('step over the SMC (F10): the RSI calls view lists RSI_IPA_STATE_GET with SUCCESS', async () => {
    // The call of the stop (RSI_IPA_STATE_GET over the UART page) has not executed yet: it is not
    // in the history with a result. After the step it is.
    const uartCall = (r) => /RSI_IPA_STATE_GET/.test(r.text) && /SUCCESS/.test(r.text) && /0x0*9000000\b/.test(r.text);
    let p = await openView('RSI calls');
    await sleep(500);
    const before = (await treeRows(p)).filter(uartCall).length;
    await p.restore();
    await focusWorkbench();
    await page.keyboard.press('F10');
    const t = await waitForStop(/Paused on step|Stepped/i, 30000, 'the stop after stepping over the SMC');
    log(`stop: ${t}`);
    p = await openView('RSI calls');
    const end = Date.now() + 15000;
    let rows = [];
    while (Date.now() < end) {
      rows = await treeRows(p);
      if (rows.filter(uartCall).length > before) break;
      await sleep(500);
    }
    const hit = rows.find(uartCall);
    if (!hit || rows.filter(uartCall).length <= before) {
      fail(`after the step, the RSI calls view has no new RSI_IPA_STATE_GET(0x9000000, ...) with SUCCESS (before the step: ${before}):\n${await dumpTree(p)}`);
    }
    log(`RSI call: ${hit.text}`);
    await shot(p, 'rsicalls.png', await contentHeight(p));
    await p.restore();
  });

  await check('Measurements: RIM and REMs', async () => {
    const p = await openView('Measurements');
    const end = Date.now() + 15000;
    let text = '';
    while (Date.now() < end) {
      text = (await treeRows(p)).map(r => r.text).join('\n');
      if (/\bRIM\b/.test(text) && /\bREM\s?0\b/.test(text)) break;
      await sleep(500);
    }
    if (!/\bRIM\b/.test(text)) fail(`the Measurements view shows no RIM:\n${await dumpTree(p)}`);
    if (!/\bREM\s?0\b/.test(text)) fail(`the Measurements view shows no REM0:\n${await dumpTree(p)}`);
    await shot(p, 'measurements.png', await contentHeight(p));
    await p.restore();
  });

  await check('IPA map: the picture of the IPA space shows both halves', async () => {
    const p = await openView('IPA map');
    const f = await waitForFrame(/IPA width/, /unprotected/i, 20000, 'the IPA map webview');
    const text = await f.evaluate(() => document.body.innerText);
    if (!/protected/i.test(text.replace(/unprotected/gi, ''))) fail('the IPA map shows no protected half');
    const h = await frameContentBottom(f);
    const header = (await paneHeader(p).boundingBox())?.height ?? 22;
    await shot(p, 'ipamap.png', h ? h + header + 10 : undefined);
    await p.restore();
  });

  await check('"Realmscope: Translate Address…" translates VA 0x9000000 through both stages', async () => {
    await runCommand('Realmscope: Translate Address');
    await quickInputBox.waitFor({ state: 'visible', timeout: 10000 }).catch(() => fail('Translate Address… asked for no address'));
    await quickInputBox.fill('0x9000000');
    await page.keyboard.press('Enter');
    // The result: a Markdown document (shown rendered, in its preview) or a webview panel.
    const tab = page.locator('.part.editor .tabs-container .tab.active').first();
    await page.waitForFunction(() => /translat|0x0*9000000/i.test(document.querySelector('.part.editor .tab.active')?.textContent ?? ''), null, { timeout: 20000 })
      .catch(async () => fail(`Translate Address… opened no result (active tab: "${flat(await tab.innerText().catch(() => ''))}")`));
    const title = flat(await tab.innerText());
    log(`translation opened in "${title}"`);
    let f;
    if (/\.md\b/i.test(title)) {
      await runCommand('Markdown: Open Preview');
      f = await waitForFrame(/Stage 1/i, /Stage 2/i, 20000, 'the Markdown preview of the translation');
    } else {
      f = await waitForFrame(/stage[ -]?1/i, /stage[ -]?2/i, 20000, 'the translation panel');
    }
    const text = await f.evaluate(() => document.body.innerText);
    if (!/0x0*10009000000\b/i.test(text)) fail('the translation does not show the IPA 0x10009000000 (the UART\'s unprotected alias)');
    if (!/unprotected/i.test(text)) fail('the translation does not say the IPA is in the unprotected half');
    if (!/RIPAS|state/i.test(text.slice(text.search(/stage[ -]?2/i)))) fail('the stage 2 part of the translation shows no RTT entry state');
    // The whole window's width for the tables: side bar and panel hidden for the picture.
    await closeBottomPanel();
    await runCommand('View: Toggle Primary Side Bar Visibility');
    await sleep(500);
    const h = await frameContentBottom(f);
    const tabs = (await page.locator('.part.editor .title').first().boundingBox())?.height ?? 35;
    await shot(page.locator('.part.editor').first(), 'translate.png', h ? tabs + h + 14 : 700);
    await runCommand('View: Toggle Primary Side Bar Visibility');
  });

  await check('stop the Realm session (Shift+F5)', async () => {
    await focusWorkbench();
    await page.keyboard.press('Shift+F5');
    await debugShot('after-shift-f5');
    await waitToolbarGone();
  });

  await check('U-Boot: the UART terminal shows the "=>" prompt; `version` answers "U-Boot 2023.01"', async () => {
    // The terminal gets the window's width: the side bar hidden.
    if (await page.locator('.part.sidebar').first().isVisible()) await runCommand('View: Toggle Primary Side Bar Visibility');
    await runCommand('Debug: Select and Start Debugging');
    const item = quickInput.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^\s*U-Boot\s*$/ }) }).first();
    await item.waitFor({ timeout: 10000 }).catch(() => fail('the launch configuration "U-Boot" is not offered'));
    await item.click();
    await toolbar.waitFor({ state: 'visible', timeout: 30000 }).catch(() => fail('the U-Boot session did not start'));
    const term = page.locator('.terminal-wrapper.active .xterm, .integrated-terminal .xterm').first();
    await term.waitFor({ timeout: 30000 }).catch(() => fail('no terminal opened for the UART ("uart": "terminal")'));
    const termText = async () => (await page.locator('.integrated-terminal .xterm-rows').allTextContents().catch(() => [])).join('\n');
    const end = Date.now() + 120000;
    let t = '', keyed = false;
    while (Date.now() < end) {
      t = await termText();
      if (/=>\s*$/m.test(t)) break;
      if (!keyed && /Hit any key to stop autoboot/.test(t)) {
        await term.click();
        await page.keyboard.press('Enter');        // stop autoboot: the prompt comes at once
        keyed = true;
      }
      await sleep(300);
    }
    if (!/=>/.test(t)) fail(`the U-Boot prompt "=>" never appeared in the terminal; it shows:\n${t.slice(-1500)}`);
    await term.click();
    await page.keyboard.type('version');
    await page.keyboard.press('Enter');
    const end2 = Date.now() + 30000;
    let answer = '';
    while (Date.now() < end2) {
      t = await termText();
      const i = t.lastIndexOf('version');
      answer = i >= 0 ? t.slice(i) : '';
      if (/U-Boot 2023\.01/.test(answer)) break;
      await sleep(300);
    }
    if (!/U-Boot 2023\.01/.test(answer)) fail(`no "U-Boot 2023.01" after typing "version"; the terminal shows:\n${t.slice(-1500)}`);
    await shot(page.locator('.part.panel').first(), 'uboot-terminal.png');
    await focusWorkbench();
    await page.keyboard.press('Shift+F5');
    await waitToolbarGone().catch(() => {});
  });

  await check('U-Boot with symbols: a function breakpoint on board_init_r stops in common/board_r.c, after the debugger followed the relocation', async () => {
    await showRunAndDebug();
    // The BREAKPOINTS view alone, scrolled to its top, where the new breakpoint's input appears.
    const bpPane = await openView('Breakpoints');
    const bpList = bpPane.locator('.monaco-list').first();
    const lb = await bpList.boundingBox();
    if (lb) { await page.mouse.move(lb.x + lb.width / 2, lb.y + 20); await page.mouse.wheel(0, -100000); await sleep(200); }
    await runCommand('Add Function Breakpoint');
    const input = pane('Breakpoints').locator('.monaco-inputbox input, .monaco-inputbox textarea').first();
    await input.waitFor({ state: 'visible', timeout: 10000 }).catch(() => fail('"Add Function Breakpoint" opened no input in the BREAKPOINTS view'));
    await input.fill('board_init_r');
    await page.keyboard.press('Enter');
    await pane('Breakpoints').locator('.monaco-list-row', { hasText: 'board_init_r' }).first().waitFor({ timeout: 10000 })
      .catch(() => fail('the function breakpoint "board_init_r" is not listed in the BREAKPOINTS view'));
    await bpPane.restore();
    await runCommand('Debug: Select and Start Debugging');
    const item = quickInput.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^\s*U-Boot with symbols\s*$/ }) }).first();
    await item.waitFor({ timeout: 10000 }).catch(() => fail('the launch configuration "U-Boot with symbols" is not offered'));
    await item.click();
    // The header's stop description (the rows can show before it says anything but "Running").
    const stop = await waitForStop(/Breakpoint at 0x[0-9a-f]+ <board_init_r>.*board_init_r/, 90000, 'the stop at board_init_r');
    log(`stop: ${stop}`);
    if (!/board_r\.c/.test(stop)) fail(`the Call Stack shows no common/board_r.c location for board_init_r: "${stop}"`);
    await page.waitForFunction(() => /board_r\.c/.test(document.querySelector('.part.editor .tab.active')?.textContent ?? ''), null, { timeout: 20000 })
      .catch(async () => fail(`the editor did not open board_r.c at the stop (active tab: "${flat(await page.locator('.part.editor .tab.active').first().innerText().catch(() => ''))}")`));
    await page.locator('.part.editor .debug-top-stack-frame-line').first().waitFor({ timeout: 10000 })
      .catch(() => fail('the editor does not mark the current line of board_init_r'));
    await debugShot('uboot-board-init-r');
    // The picture: the source with the stop, and the call stack beside it.
    await closeBottomPanel();
    const cs = await openView('Call Stack');
    await resizeSideBar(380, true);
    await shot(page.locator('.monaco-workbench').first(), 'uboot-source.png', 560);
    await cs.restore();
    // The debug console says where U-Boot copied itself; the stop is there, not at the link address.
    await runCommand('Debug Console: Focus on Debug Console View');
    const repl = page.locator('.repl').first();
    let text = '';
    for (let i = 0; i < 40 && !/U-Boot relocates itself to 0x/.test(text); i++) { text = await repl.innerText().catch(() => ''); await sleep(250); }
    const m = /U-Boot relocates itself to (0x[0-9a-f]+)/.exec(text);
    if (!m) fail(`the Debug Console does not report U-Boot's relocation; it shows:\n${text.slice(-1000)}`);
    log(`relocation: ${m[0]}`);
    const at = /Breakpoint at (0x[0-9a-f]+)/.exec(stop);
    if (!at || BigInt(at[1]) < BigInt(m[1])) fail(`the stop (${at?.[1] ?? 'no address in "' + stop + '"'}) is not in the copy at ${m[1]}`);
    await runCommand('Remove All Breakpoints');
    await focusWorkbench();
    await page.keyboard.press('Shift+F5');
    await waitToolbarGone().catch(() => {});
  });
} catch (e) {
  exitCode = 1;
  const f = await debugShot('FAILED');
  console.error(`\nE2E FAILED at "${current}":\n  ${e instanceof CheckFailed ? e.message : (e.stack ?? e)}\n  screenshot: ${f}`);
  if (pageErrors.length) console.error(`  page errors: ${pageErrors.slice(0, 5).join(' | ')}`);
}
await ctx.close().catch(() => {});
fs.rmSync(profile, { recursive: true, force: true });

const total = ((Date.now() - T0) / 1000).toFixed(1);
console.log(`\ne2e: ${checks.length} passed, ${exitCode ? 1 : 0} failed`);
console.log(`e2e browser session time: ${total} s`);
process.exit(exitCode);
