// What a person sees: the whole hint, every screen size without sideways scrolling, big
// enough targets, light and dark, and no accessibility violation (axe, WCAG 2.2 A and AA).
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  ADMIN_PASSWORD,
  clientToken,
  expectNoSidewaysScroll,
  expectSeen,
  hydrated,
  registerApp,
  signIn,
  unique,
} from "./helpers";

const SIZES = [
  { width: 360, height: 740 },
  { width: 768, height: 1024 },
  { width: 1280, height: 900 },
];

/** 2,000 characters, the longest description SPEC §2 allows. */
const LONGEST = ("A description as long as the form allows, word after word. ".repeat(40)).slice(0, 1999) + ".";

async function managementOf(page: Page, name: string) {
  await page.goto(`/apps?tab=management&api=unified&filter=${encodeURIComponent(name)}`);
  await hydrated(page);
  await expect(page.getByRole("row")).toHaveCount(2);
}

for (const size of [SIZES[0], SIZES[2]]) {
  test(`the whole 2,000-character hint is seen at ${size.width} px, and works from the keyboard`, async ({ page }) => {
    await page.setViewportSize(size);
    await signIn(page, "admin", ADMIN_PASSWORD);
    const app = await registerApp(page, unique("Hinted "), { description: LONGEST });
    await managementOf(page, app.name);
    const hint = page.getByRole("tooltip");
    const text = page.getByRole("row").filter({ hasText: app.name }).locator(".cut");
    await text.scrollIntoViewIfNeeded();
    await text.hover();
    await expectSeen(hint);
    await expect(hint).toHaveText(LONGEST);
    const fits = await hint.evaluate((bubble) => bubble.scrollHeight <= bubble.clientHeight + 1);
    if (size.width >= 1280) {
      expect(fits, "the whole text fits the hint at 1280 px").toBe(true);
    } else {
      // Where it cannot fit, it scrolls inside itself, and every line can be reached.
      expect(fits).toBe(false);
      expect(await hint.evaluate((bubble) => getComputedStyle(bubble).overflowY)).toBe("auto");
    }
    // WCAG 1.4.13: the pointer moves onto the hint, and it stays.
    const box = (await hint.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + Math.min(20, box.height / 2), { steps: 5 });
    await page.waitForTimeout(600);
    await expectSeen(hint);
    await page.keyboard.press("Escape");
    await expect(hint).toBeHidden();
    // From the keyboard: focus opens it, Escape closes it.
    await page.mouse.move(0, 0);
    await text.focus();
    await expectSeen(hint);
    await page.keyboard.press("Escape");
    await expect(hint).toBeHidden();
  });
}

test("every page at 360, 768 and 1280 px: no sideways scroll, targets of 24 px or more, dialogs that fit", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, "admin", ADMIN_PASSWORD);
  const app = await registerApp(page, unique("Screens "), { description: "Fits on every screen" });
  await clientToken(page.request, app, "Screens/1.0");
  const pages = [
    "/",
    `/apps?tab=management&api=unified&filter=${encodeURIComponent(app.name)}`,
    "/apps?tab=registration&api=unified",
    "/apps/new?api=unified",
    `/apps/${app.key}`,
    "/accounts",
  ];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const path of pages) {
      await page.goto(path);
      await hydrated(page);
      await expectNoSidewaysScroll(page);
      const small = await page.evaluate(() =>
        [...document.querySelectorAll("a, button, input:not([type=hidden]), select, textarea, [role=switch], [tabindex='0']")]
          .filter((element) => {
            const box = element.getBoundingClientRect();
            const style = getComputedStyle(element);
            if (box.width === 0 || style.visibility === "hidden" || element.closest("[hidden], dialog:not([open])")) return false;
            if (element instanceof HTMLInputElement && element.type === "radio") return false; // drawn by its label
            if (element.matches(".table-scroll, [role=tabpanel], .hinted .cut")) return false; // regions and text, not targets
            return box.width < 24 || box.height < 24;
          })
          .map((element) => `${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 30)}" ${Math.round(element.getBoundingClientRect().width)}×${Math.round(element.getBoundingClientRect().height)}`),
      );
      expect(small, `targets under 24×24 px on ${path} at ${size.width} px`).toEqual([]);
    }
    // The pop-up fits the screen.
    await page.goto(pages[1]);
    await hydrated(page);
    await page.getByRole("button", { name: `1 access token of ${app.name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Access Tokens of ${app.name}` });
    await expectSeen(dialog.getByRole("button", { name: "Close" }));
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(size.width);
    expect(box.y + box.height).toBeLessThanOrEqual(size.height);
    await expectNoSidewaysScroll(page);
    await page.keyboard.press("Escape");
  }
});

async function expectNoViolations(page: Page, where: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"])
    .analyze();
  const found = results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).slice(0, 3).join(", ")}`,
  );
  expect(found, `axe on ${where}`).toEqual([]);
}

for (const theme of ["light", "dark"] as const) {
  for (const width of [1280, 360]) {
    test(`axe finds nothing on any page or dialog, ${theme}, ${width} px`, async ({ page }) => {
      test.setTimeout(90_000);
      await page.setViewportSize({ width, height: width > 400 ? 900 : 740 });
      await page.emulateMedia({ colorScheme: theme });
      await signIn(page, "admin", ADMIN_PASSWORD);
      const app = await registerApp(page, unique("Axe "), { description: "Checked by axe" });
      await clientToken(page.request, app, "Axe/1.0");
      await page.goto("/sign-in");
      await expectNoViolations(page, "sign-in");
      for (const path of ["/", "/apps?tab=registration&api=unified", "/apps/new?api=unified", `/apps/${app.key}`, "/accounts"]) {
        await page.goto(path);
        await hydrated(page);
        await expectNoViolations(page, path);
      }
      // The dialogs, open.
      await page.goto(`/apps/${app.key}`);
      await hydrated(page);
      await page.getByRole("button", { name: "Regenerate" }).click();
      await expect(page.getByRole("dialog", { name: "Regenerate App secret" })).toBeVisible();
      await expectNoViolations(page, "the Regenerate dialog");
      await page.keyboard.press("Escape");
      await managementOf(page, app.name);
      await expectNoViolations(page, "Apps Management");
      await page.getByRole("button", { name: `1 access token of ${app.name}` }).click();
      const tokens = page.getByRole("dialog", { name: `Access Tokens of ${app.name}` });
      await expect(tokens.getByRole("row")).toHaveCount(2);
      await expectNoViolations(page, "the access tokens pop-up");
      await tokens.getByRole("checkbox", { name: "Select all access tokens" }).check();
      await tokens.getByRole("button", { name: "Remove Selected" }).click();
      await expect(page.getByRole("dialog", { name: "Remove Selected" })).toBeVisible();
      await expectNoViolations(page, "the Remove Selected confirmation");
    });
  }
}

test("the theme switch is kept in a cookie and rendered by the server, so there is no flash", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page, "admin", ADMIN_PASSWORD);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.getByLabel("Theme").selectOption("dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  const dark = await background();
  expect(dark).not.toBe(light);
  // The server's own HTML already says dark: the first paint has the right palette.
  const html = await (await page.request.get("/")).text();
  expect(html).toMatch(/<html[^>]*data-theme="dark"/);
  await page.reload();
  expect(await background()).toBe(dark);
  await expect(page.getByLabel("Theme")).toHaveValue("dark");
  // The switch below is the wasm's: it must have taken over the reloaded page.
  await hydrated(page);
  // System follows the system's preference again.
  await page.getByLabel("Theme").selectOption("system");
  expect(await background()).toBe(light);
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await background()).toBe(dark);
});
