// page.test.mjs - the search page in a real browser (Debian's chromium,
// driven by playwright-core): type a query and see the right episode first
// with the match marked, switch the reading language, open an episode with
// its synopses side by side, all by keyboard; check phone width and that
// text from the catalog never turns into markup. Screenshots go to
// $PLOTLINE_WEB_OUT. Run by tests/e2e/web.sh, which starts the server.
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BASE = process.env.PLOTLINE_URL;
const OUT = process.env.PLOTLINE_WEB_OUT || ".";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
if (!BASE) throw new Error("set PLOTLINE_URL to the server's address");
mkdirSync(OUT, { recursive: true });

let checks = 0, failed = 0;
function check(what, ok, detail) {
  checks++;
  if (!ok) {
    failed++;
    console.error(`FAIL: ${what}${detail !== undefined ? `: ${detail}` : ""}`);
  }
}

const profile = mkdtempSync(join(tmpdir(), "plotline-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1200, height: 850 },
  locale: "de-DE",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync"],
});
const page = context.pages()[0] || await context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
page.setDefaultTimeout(15000);

// Types a new query and waits until the results are the ones for it.
async function searchFor(q) {
  await page.locator("#q").fill(q);
  await page.locator("#status", { hasText: `“${q}”` }).waitFor();
}

try {
  await page.goto(`${BASE}/`);
  check("the title", (await page.title()) === "plotline");
  check("the search box has focus", await page.evaluate(() => document.activeElement.id === "q"));

  // Typing searches by itself (no Enter), after a short pause.
  await page.locator("#q").pressSequentially("Flaschenpost Schatzkarte", { delay: 30 });
  // A loaded machine can pause between keys long enough for a search of the
  // words typed so far: the results are read once the status names the
  // whole query.
  await page.locator("#status", { hasText: "“Flaschenpost Schatzkarte”" }).waitFor();
  const first = page.locator("#results li").first();
  await first.waitFor();
  const heading = await first.locator("h3").textContent();
  check("the right episode first", heading === "Testserie · S01E01 · Der Anfang", heading);
  const marks = await first.locator(".snippet mark").allTextContents();
  check("the match highlighted", marks.includes("Flaschenpost") && marks.includes("Schatzkarte"),
    JSON.stringify(marks));
  check("the snippet's language shown",
    (await first.locator(".snippet .badge").textContent()) === "de");
  check("no brackets left in the snippet",
    !/[\[\]]/.test(await first.locator(".snippet").textContent()));
  check("the status says how many", /1 episode/.test(await page.locator("#status").textContent()));
  await page.screenshot({ path: join(OUT, "search.png"), fullPage: true });

  // Read in English: the episode shows its English synopsis beside the match.
  await page.locator("#lang-panel summary").click();
  await page.locator("#lang").selectOption("en");
  // The English synopsis is shown: beside the German match, or as the match
  // itself, since the query's words also find it through their translations.
  await page.locator("#results li").first().filter({ hasText: "lighthouse keeper" }).waitFor();
  const shown = await page.locator("#results li").first().textContent();
  check("the synopsis in the reader's language", /lighthouse keeper/.test(shown), shown);
  check("the language summary", (await page.locator("#lang-summary").textContent()) === "en");
  await page.locator("#fallback").fill("fr, de");
  await page.locator("#fallback").dispatchEvent("change");
  check("fallback in the summary",
    (await page.locator("#lang-summary").textContent()) === "en → fr → de");

  // Remembered across visits.
  await page.reload();
  await page.locator("#results li").first().waitFor();
  check("the language is remembered", (await page.locator("#lang").inputValue()) === "en");
  check("the fallback is remembered", (await page.locator("#fallback").inputValue()) === "fr, de");
  check("the query is kept in the address",
    decodeURIComponent(new URL(page.url()).hash) === "#/search/Flaschenpost Schatzkarte");

  // Keyboard alone: down from the search box to the first result, Enter opens it.
  await page.locator("#q").focus();
  await page.keyboard.press("ArrowDown");
  check("arrow down reaches the first result",
    await page.evaluate(() => document.activeElement.classList.contains("result-link")));
  await page.keyboard.press("Enter");
  await page.locator("#episode-view:not([hidden]) .synopsis").first().waitFor();
  check("the episode's title", (await page.locator("#episode-title").textContent())
    === "Testserie · S01E01 · Der Anfang");
  const langs = await page.locator("#synopses .synopsis").evaluateAll(
    (els) => els.map((e) => e.dataset.lang));
  check("all synopses by language", JSON.stringify(langs) === '["en","de"]', JSON.stringify(langs));
  check("the reader's language chosen",
    (await page.locator("#synopses .synopsis.chosen").getAttribute("data-lang")) === "en");
  const boxes = await page.locator("#synopses .synopsis").evaluateAll(
    (els) => els.map((e) => e.getBoundingClientRect().top));
  check("side by side on a wide screen", Math.abs(boxes[0] - boxes[1]) < 2, JSON.stringify(boxes));
  await page.screenshot({ path: join(OUT, "episode.png"), fullPage: true });

  // Escape goes back to the results.
  await page.keyboard.press("Escape");
  await page.locator("#search-view:not([hidden])").waitFor();
  check("back to the results", await page.locator("#results li").count() >= 1);

  // A placeholder ("Episode 2") is not shown in place of the French story.
  await searchFor("tempête phare");
  await page.locator("#results li a").first().click();
  await page.locator("#episode-view:not([hidden]) .synopsis.chosen").waitFor();
  check("a placeholder is skipped",
    (await page.locator("#synopses .synopsis.chosen").getAttribute("data-lang")) === "fr");
  check("placeholders marked",
    (await page.locator("#synopses .synopsis.placeholder").count()) === 2);
  await page.goBack();

  // Catalog text is text: markup in a synopsis is shown, never run.
  await searchFor("Zauberer Drachen");
  check("no markup from the catalog", await page.locator("#results img, #results b").count() === 0);
  check("markup shown as text",
    /<img src=x/.test(await page.locator("#results").textContent()));
  check("no script ran", await page.evaluate(() => document.body.dataset.pwned === undefined));

  // No match says so.
  await searchFor("Quokkafedernzzz");
  check("no match said", /No episode/.test(await page.locator("#status").textContent()));
  check("no match", (await page.locator("#results li").count()) === 0);

  // Phone width: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 375, height: 740 });
  await searchFor("Kreditkarte");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  check("fits a phone", overflow <= 375, overflow);
  await page.screenshot({ path: join(OUT, "phone.png"), fullPage: true });

  check("no script errors", errors.length === 0, errors.join("; "));
} catch (e) {
  failed++;
  console.error(`FAIL: ${e.stack || e}`);
  await page.screenshot({ path: join(OUT, "failure.png"), fullPage: true }).catch(() => {});
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`${checks - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
