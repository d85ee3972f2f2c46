// Apps Management (seed 004) in Chromium, with tokens from the real token endpoint.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ADMIN_PASSWORD, clientToken, hydrated, meStatus, type Registered, registerApp, signIn, unique } from "./helpers";

async function registerTrustedApp(page: Page, description = "Managed in the browser"): Promise<Registered> {
  return registerApp(page, unique("Managed"), { description });
}

const token = clientToken;

async function openManagement(page: Page, filter: string) {
  await page.goto("/apps?tab=management&api=unified");
  await hydrated(page);
  await page.getByLabel("Filter").fill(filter);
  await expect(page.getByRole("table")).toHaveCount(1);
  await expect(page.getByRole("row")).toHaveCount(2);
}

test("suspending refuses an existing token, enabling lets it work again", async ({ page, request }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  const app = await registerTrustedApp(page);
  const accessToken = await token(request, app, "StatusTest/1.0");
  expect(await meStatus(request, accessToken)).toBe(200);

  await openManagement(page, app.name);
  const status = page.getByRole("switch", { name: `${app.name} enabled` });
  await expect(status).toHaveAttribute("aria-checked", "true");
  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "false");
  await expect(page.getByRole("status")).toHaveText("App suspended");
  await expect.poll(() => meStatus(request, accessToken)).toBe(401);

  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "true");
  await expect(page.getByRole("status")).toHaveText("App enabled");
  await expect.poll(() => meStatus(request, accessToken)).toBe(200);
});

test("the pop-up lists each token's User Agent; removing one refuses it and keeps the other", async ({ page, request }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  const app = await registerTrustedApp(page);
  const first = await token(request, app, "FirstAgent/1.0");
  const second = await token(request, app, "SecondAgent/2.0");

  await openManagement(page, app.name);
  await page.getByRole("button", { name: `2 access tokens of ${app.name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Access Tokens of ${app.name}` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("cell", { name: "FirstAgent/1.0" })).toBeVisible();
  await expect(dialog.getByRole("cell", { name: "SecondAgent/2.0" })).toBeVisible();

  const firstRow = dialog.getByRole("row").filter({ hasText: "FirstAgent/1.0" });
  await firstRow.getByRole("checkbox").check();
  await dialog.getByRole("button", { name: "Remove Selected" }).click();
  const confirm = page.getByRole("dialog", { name: "Remove Selected" });
  await expect(confirm).toContainText("Remove 1 access token?");
  await confirm.getByRole("button", { name: "OK" }).click();
  await expect(dialog.getByRole("status")).toHaveText("1 access token removed");
  await expect(dialog.getByRole("cell", { name: "FirstAgent/1.0" })).toHaveCount(0);
  expect(await meStatus(request, first)).toBe(401);
  expect(await meStatus(request, second)).toBe(200);

  // Escape closes the pop-up; the table's count has followed without a reload.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: `1 access token of ${app.name}` })).toBeVisible();
});

test("the pop-up's code is fetched when it first opens, once, and not with the page", async ({ page, request }) => {
  const fetched: string[] = [];
  page.on("request", (sent) => {
    if (/\/pkg\/split_tokens_of_app_[^/]*\.wasm$/.test(new URL(sent.url()).pathname)) fetched.push(sent.url());
  });
  await signIn(page, "admin", ADMIN_PASSWORD);
  const app = await registerTrustedApp(page);
  await token(request, app, "LazyAgent/1.0");

  await openManagement(page, app.name);
  expect(fetched, "the page alone does not load the pop-up's code").toEqual([]);
  const opener = page.getByRole("button", { name: `1 access token of ${app.name}` });
  const dialog = page.getByRole("dialog", { name: `Access Tokens of ${app.name}` });
  for (let time = 0; time < 3; time += 1) {
    await opener.click();
    await expect(dialog.getByRole("cell", { name: "LazyAgent/1.0" })).toBeVisible();
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(dialog).toBeHidden();
  }
  expect(fetched, "fetched once, on the first opening").toHaveLength(1);
});

test("select all in the pop-up removes every token of the App", async ({ page, request }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  const app = await registerTrustedApp(page);
  const tokens = [
    await token(request, app, "Agent/1"),
    await token(request, app, "Agent/2"),
    await token(request, app, "Agent/3"),
  ];
  await openManagement(page, app.name);
  await page.getByRole("button", { name: `3 access tokens of ${app.name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Access Tokens of ${app.name}` });
  const all = dialog.getByRole("checkbox", { name: "Select all access tokens" });
  await dialog.getByRole("row").filter({ hasText: "Agent/2" }).getByRole("checkbox").check();
  // One of three: the header box shows "some".
  expect(await all.evaluate((box: HTMLInputElement) => box.indeterminate)).toBe(true);
  await all.check();
  await dialog.getByRole("button", { name: "Remove Selected" }).click();
  await page.getByRole("dialog", { name: "Remove Selected" }).getByRole("button", { name: "OK" }).click();
  await expect(dialog.getByText("No access tokens left.")).toBeVisible();
  await expect(dialog.getByRole("status")).toHaveText("3 access tokens removed");
  for (const accessToken of tokens) expect(await meStatus(request, accessToken)).toBe(401);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("row").filter({ hasText: app.name }).getByRole("cell").nth(4)).toHaveText("0");
});

test("hovering a long description shows the whole text", async ({ page }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  const long = "A long description that goes on and on, ".repeat(8) + "and ends right here.";
  const app = await registerTrustedApp(page, long);
  await openManagement(page, app.name);
  const hint = page.getByRole("tooltip");
  await expect(hint).toBeHidden();
  await page.getByRole("row").filter({ hasText: app.name }).locator(".cut").hover();
  await expect(hint).toBeVisible();
  await expect(hint).toHaveText(long);
});

test("Remove Selected removes an App after confirmation", async ({ page, request }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  const app = await registerTrustedApp(page);
  const accessToken = await token(request, app, "RemoveTest/1.0");
  await openManagement(page, app.name);
  await page.getByRole("checkbox", { name: `Select ${app.name}` }).check();
  await page.getByRole("button", { name: "Remove Selected" }).click();
  const confirm = page.getByRole("dialog", { name: "Remove Selected" });
  await confirm.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status")).toHaveText("1 App removed");
  await expect(page.getByText(/No UnifiedAPI App matches/)).toBeVisible();
  expect(await meStatus(request, accessToken)).toBe(401);
});

test.describe("before the page is interactive", () => {
  test.use({ javaScriptEnabled: false });

  test("the table renders on the server, and filter and status work as plain forms", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Login").fill("admin");
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Welcome");
    const app = await registerTrustedApp(page);

    await page.goto("/apps?tab=management&api=unified");
    await page.getByLabel("Filter").fill(app.name);
    await page.getByLabel("Filter").press("Enter");
    await expect(page).toHaveURL(/filter=/);
    await expect(page.getByRole("row")).toHaveCount(2);
    await expect(page.getByRole("link", { name: app.name, exact: true })).toBeVisible();

    const status = page.getByRole("switch", { name: `${app.name} enabled` });
    await status.click();
    await expect(status).toHaveAttribute("aria-checked", "false");
    await status.click();
    await expect(status).toHaveAttribute("aria-checked", "true");
  });
});
