// The live counts of Apps Management: paused while the browser tab is hidden, once at once
// when it shows again, and a refresh never moves what the person holds.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ADMIN_PASSWORD, clientToken, hydrated, registerApp, signIn, unique } from "./helpers";

/** Tells the page its tab is hidden or shown, as the browser does on a tab switch. */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

function countRefreshes(page: Page) {
  const seen: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/list_managed_apps")) seen.push(request.url());
  });
  return seen;
}

test("no refresh while the tab is hidden, one at once when it is shown again", async ({ page }) => {
  await page.clock.install();
  await signIn(page, "admin", ADMIN_PASSWORD);
  const app = await registerApp(page, unique("Hidden "));
  await page.goto(`/apps?tab=management&api=unified&filter=${encodeURIComponent(app.name)}`);
  await hydrated(page);
  const refreshes = countRefreshes(page);

  await setHidden(page, true);
  await page.clock.runFor(60_000);
  await page.waitForTimeout(300);
  expect(refreshes, "refreshes while hidden").toHaveLength(0);

  // Tokens issued meanwhile show as soon as the tab is seen again, without waiting 15 s.
  await clientToken(page.request, app, "Meanwhile/1.0");
  const shown = page.waitForRequest((request) => request.url().includes("/api/list_managed_apps"));
  await setHidden(page, false);
  await shown;
  await expect(page.getByRole("button", { name: `1 access token of ${app.name}` })).toBeVisible();
  expect(refreshes).toHaveLength(1);

  // Then every 15 s again.
  await page.clock.runFor(15_000);
  await expect.poll(() => refreshes.length).toBeGreaterThanOrEqual(2);
});

test("a refresh keeps the focus, the selection, a half-typed filter and the scroll", async ({ page }) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 1280, height: 600 });
  await page.clock.install();
  await signIn(page, "admin", ADMIN_PASSWORD);
  const prefix = unique("Held ");
  for (let i = 0; i < 25; i++) await registerApp(page, `${prefix} ${String(i).padStart(2, "0")}`);
  const counted = await registerApp(page, `${prefix} 99`);
  await page.goto(`/apps?tab=management&api=unified&filter=${encodeURIComponent(prefix)}`);
  await hydrated(page);
  await expect(page.getByRole("row")).toHaveCount(27);

  // A checkbox far down, checked and focused, the page scrolled to it.
  const box = page.getByRole("checkbox", { name: `Select ${prefix} 20` });
  await box.check();
  await box.focus();
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(0);
  await clientToken(page.request, counted, "Refresh/1.0");
  const refreshed = page.waitForResponse((response) => response.url().includes("/api/list_managed_apps"));
  await page.clock.runFor(15_000);
  await refreshed;
  await expect(page.getByRole("button", { name: `1 access token of ${counted.name}` })).toBeVisible();
  await expect(box).toBeFocused();
  await expect(box).toBeChecked();
  expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);

  // A filter typed a moment before the next refresh stays as typed, with the focus.
  const filter = page.getByLabel("Filter");
  await page.clock.runFor(14_900);
  await filter.focus();
  await page.keyboard.press("End");
  await page.keyboard.type(" 2");
  const again = page.waitForResponse((response) => response.url().includes("/api/list_managed_apps"));
  await page.clock.runFor(150);
  await again;
  await expect(filter).toBeFocused();
  await expect(filter).toHaveValue(`${prefix} 2`);
});
