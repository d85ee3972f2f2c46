// Long walks through the console in one page, without a reload, the way a person clicks
// through it: the fixture fails them on any page error, wasm panic or console error.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  ADMIN_PASSWORD,
  clientToken,
  hydrated,
  meStatus,
  registerApp,
  signIn,
  tabTo,
  unique,
} from "./helpers";

/** 52 more Apps named `${prefix} 00`…`51`, so that the filtered list has a second page. */
async function fillerApps(page: Page, prefix: string) {
  for (let i = 0; i < 52; i++) {
    await registerApp(page, `${prefix} ${String(i).padStart(2, "0")}`, { trusted: false, description: `Filler ${i}` });
  }
}

const main = (page: Page) => page.getByRole("navigation", { name: "Main" });

test("the whole walk with the mouse, then every control still works", async ({ page }) => {
  test.setTimeout(120_000);
  const prefix = unique("Walk ");
  const name = `${prefix} app`;
  await signIn(page, "admin", ADMIN_PASSWORD);
  await fillerApps(page, prefix);

  // Add App, from the home page, through the tabs.
  await main(page).getByRole("link", { name: "Apps" }).click();
  await page.getByRole("tab", { name: "App Registration" }).click();
  await expect(page).toHaveURL(/tab=registration/);
  await page.getByRole("link", { name: "Add App" }).click();
  const fields = { Name: name, Homepage: "https://example.com/walk", "Admin email": "walk@example.com", "Redirect URL": "https://example.com/walk/cb" };
  for (const [label, value] of Object.entries(fields)) {
    await page.getByRole("textbox", { name: label, exact: true }).fill(value);
  }
  await page.getByLabel("App is trusted").check();
  await page.getByRole("button", { name: "OK", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit App" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("App added");

  // Regenerate, then tokens with the new secret.
  await page.getByRole("button", { name: "Regenerate" }).click();
  await page.getByRole("dialog", { name: "Regenerate App secret" }).getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status")).toContainText("Secret regenerated");
  const key = await page.getByRole("textbox", { name: "App ID/key" }).inputValue();
  const secret = await page.getByRole("textbox", { name: "App secret" }).inputValue();
  const first = await clientToken(page.request, { key, secret }, "WalkFirst/1.0");
  const second = await clientToken(page.request, { key, secret }, "WalkSecond/2.0");

  // Apps Management: the pop-up, one token removed after a confirmation, closed.
  await main(page).getByRole("link", { name: "Apps" }).click();
  await page.getByRole("tab", { name: "Apps Management" }).click();
  await page.getByLabel("Filter").fill(name);
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.getByRole("button", { name: `2 access tokens of ${name}` }).click();
  const tokens = page.getByRole("dialog", { name: `Access Tokens of ${name}` });
  await tokens.getByRole("row").filter({ hasText: "WalkFirst/1.0" }).getByRole("checkbox").check();
  await tokens.getByRole("button", { name: "Remove Selected" }).click();
  await page.getByRole("dialog", { name: "Remove Selected" }).getByRole("button", { name: "OK" }).click();
  await expect(tokens.getByRole("status")).toHaveText("1 access token removed");
  await expect(tokens.getByRole("cell", { name: "WalkFirst/1.0" })).toHaveCount(0);
  await tokens.getByRole("button", { name: "Close" }).click();
  await expect(tokens).toBeHidden();
  expect(await meStatus(page.request, first)).toBe(401);
  expect(await meStatus(page.request, second)).toBe(200);
  await expect(page.getByRole("button", { name: `1 access token of ${name}` })).toBeVisible();

  // S off and on.
  const status = page.getByRole("switch", { name: `${name} enabled` });
  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "false");
  await expect(page.getByRole("status")).toHaveText("App suspended");
  expect(await meStatus(page.request, second)).toBe(401);
  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "true");
  await expect(page.getByRole("status")).toHaveText("App enabled");
  expect(await meStatus(page.request, second)).toBe(200);

  // Filter by the prefix (53 Apps), sort by App descending, the next page.
  await page.getByLabel("Filter").fill(prefix);
  await expect(page.getByRole("navigation", { name: "Pages of Apps" })).toContainText("Page 1 of 2 (53 Apps)");
  await page.getByRole("link", { name: /^App\b.*sort by App/ }).click();
  await expect(page.getByRole("columnheader", { name: /^App/ })).toHaveAttribute("aria-sort", "descending");
  await expect(page.getByRole("row").nth(1)).toContainText(name);
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page.getByRole("navigation", { name: "Pages of Apps" })).toContainText("Page 2 of 2");
  await expect(page.getByRole("row")).toHaveCount(4);
  await expect(page).toHaveURL(/page=2/);

  // Remove Selected of two Apps.
  await page.getByRole("checkbox", { name: `Select ${prefix} 00` }).check();
  await page.getByRole("checkbox", { name: `Select ${prefix} 01` }).check();
  await page.getByRole("button", { name: "Remove Selected" }).click();
  const confirm = page.getByRole("dialog", { name: "Remove Selected" });
  await expect(confirm).toContainText("Remove 2 Apps?");
  await confirm.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status")).toHaveText("2 Apps removed");
  await expect(page.getByRole("checkbox", { name: `Select ${prefix} 00` })).toHaveCount(0);

  // Every control still answers: the pop-up, S, the tabs.
  await page.getByRole("link", { name: "Previous" }).click();
  await page.getByRole("button", { name: `1 access token of ${name}` }).click();
  await expect(tokens.getByRole("cell", { name: "WalkSecond/2.0" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(tokens).toBeHidden();
  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "false");
  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "true");
  await page.getByRole("tab", { name: "App Registration" }).click();
  await expect(page.getByRole("link", { name: "Add App" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the same walk from the keyboard alone", async ({ page }) => {
  test.setTimeout(120_000);
  const name = unique("Keys ");
  await page.goto("/sign-in");
  await hydrated(page);
  await tabTo(page, page.getByLabel("Login"));
  await page.keyboard.type("admin");
  await page.keyboard.press("Tab");
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Welcome");
  await hydrated(page);

  // Apps → App Registration (arrow keys in the tab list) → Add App.
  await tabTo(page, main(page).getByRole("link", { name: "Apps" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("tab", { name: "Apps Management" })).toHaveAttribute("aria-selected", "true");
  await tabTo(page, page.getByRole("tab", { name: "Apps Management" }));
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "App Registration" })).toBeFocused();
  await expect(page).toHaveURL(/tab=registration/);
  await tabTo(page, page.getByRole("link", { name: "Add App" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Add App" })).toBeVisible();
  const fields: [string, string][] = [
    ["Name", name],
    ["Homepage", "https://example.com/keys"],
    ["Admin email", "keys@example.com"],
  ];
  for (const [label, value] of fields) {
    await tabTo(page, page.getByRole("textbox", { name: label, exact: true }));
    await page.keyboard.type(value);
  }
  await tabTo(page, page.getByLabel("App is trusted"));
  await page.keyboard.press("Space");
  await tabTo(page, page.getByRole("textbox", { name: "Redirect URL", exact: true }));
  await page.keyboard.type("https://example.com/keys/cb");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Edit App" })).toBeVisible();

  // Regenerate: the dialog opens on OK, Enter confirms.
  await tabTo(page, page.getByRole("button", { name: "Regenerate" }));
  await page.keyboard.press("Enter");
  const regenerate = page.getByRole("dialog", { name: "Regenerate App secret" });
  await expect(regenerate.getByRole("button", { name: "OK" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Secret regenerated");
  const key = await page.getByRole("textbox", { name: "App ID/key" }).inputValue();
  const secret = await page.getByRole("textbox", { name: "App secret" }).inputValue();
  await clientToken(page.request, { key, secret }, "KeysFirst/1.0");
  await clientToken(page.request, { key, secret }, "KeysSecond/2.0");

  // Apps Management, filter typed, the pop-up, Space to select, Remove Selected, Escape.
  await tabTo(page, main(page).getByRole("link", { name: "Apps" }), { backwards: true });
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByLabel("Filter"));
  await page.keyboard.type(name);
  await expect(page.getByRole("row")).toHaveCount(2);
  const count = page.getByRole("button", { name: `2 access tokens of ${name}` });
  await tabTo(page, count);
  await page.keyboard.press("Enter");
  const tokens = page.getByRole("dialog", { name: `Access Tokens of ${name}` });
  await expect(tokens.getByRole("button", { name: "Close" })).toBeFocused();
  await tabTo(page, tokens.getByRole("row").filter({ hasText: "KeysFirst/1.0" }).getByRole("checkbox"), { backwards: true });
  await page.keyboard.press("Space");
  await tabTo(page, tokens.getByRole("button", { name: "Remove Selected" }), { backwards: true });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "Remove Selected" }).getByRole("button", { name: "OK" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(tokens.getByRole("status")).toHaveText("1 access token removed");
  await page.keyboard.press("Escape");
  await expect(tokens).toBeHidden();
  await expect(page.getByRole("button", { name: `1 access token of ${name}` })).toBeFocused();

  // S off and on with Space, then the hint from the keyboard.
  const status = page.getByRole("switch", { name: `${name} enabled` });
  await tabTo(page, status, { backwards: true });
  await page.keyboard.press("Space");
  await expect(status).toHaveAttribute("aria-checked", "false");
  await page.keyboard.press("Space");
  await expect(status).toHaveAttribute("aria-checked", "true");
  await expect(page.getByRole("status")).toHaveText("App enabled");

  // Remove Selected of the App, then sign out.
  await tabTo(page, page.getByRole("checkbox", { name: `Select ${name}` }), { backwards: true });
  await page.keyboard.press("Space");
  await tabTo(page, page.getByRole("button", { name: "Remove Selected" }), { backwards: true });
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText("1 App removed");
  await tabTo(page, page.getByRole("button", { name: "Sign out" }), { backwards: true });
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("each dialog opened and closed again and again while the counts refresh", async ({ page }) => {
  await page.clock.install();
  await signIn(page, "admin", ADMIN_PASSWORD);
  const app = await registerApp(page, unique("Dialogs "));
  for (const agent of ["One/1", "Two/2", "Three/3"]) await clientToken(page.request, app, agent);
  await page.goto(`/apps?tab=management&api=unified&filter=${encodeURIComponent(app.name)}`);
  await hydrated(page);
  const tokens = page.getByRole("dialog", { name: `Access Tokens of ${app.name}` });
  const refreshes: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/list_managed_apps")) refreshes.push(request.url());
  });
  for (let round = 0; round < 3; round++) {
    await page.getByRole("button", { name: /access tokens? of/ }).click();
    await expect(tokens.getByRole("row")).toHaveCount(4 - round);
    const refreshed = page.waitForRequest((request) => request.url().includes("/api/list_managed_apps"));
    await page.clock.runFor(15_000);
    await refreshed;
    // The refresh left the open pop-up as it was.
    await expect(tokens).toBeVisible();
    await tokens.getByRole("row").nth(1).getByRole("checkbox").check();
    await tokens.getByRole("button", { name: "Remove Selected" }).click();
    await page.getByRole("dialog", { name: "Remove Selected" }).getByRole("button", { name: "Cancel" }).click();
    await expect(tokens.getByRole("row").nth(1).getByRole("checkbox")).toBeChecked();
    await tokens.getByRole("button", { name: "Remove Selected" }).click();
    await page.getByRole("dialog", { name: "Remove Selected" }).getByRole("button", { name: "OK" }).click();
    await expect(tokens.getByRole("status")).toHaveText("1 access token removed");
    await page.keyboard.press("Escape");
    await expect(tokens).toBeHidden();
    await page.clock.runFor(15_000);
  }
  expect(refreshes.length).toBeGreaterThanOrEqual(6);
  await expect(page.getByRole("row").filter({ hasText: app.name }).getByRole("cell").nth(4)).toHaveText("0");
  // The S switch and the confirmation still work after all that.
  const status = page.getByRole("switch", { name: `${app.name} enabled` });
  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "false");
});
