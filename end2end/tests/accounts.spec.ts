import { expect, test } from "./fixtures";
import { ADMIN_PASSWORD, hydrated, signIn, unique } from "./helpers";

test("a wrong password is refused with one plain message", async ({ page, consoleWatch }) => {
  consoleWatch.expectError(/status of 401/);
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong login or password.");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("the home page hydrates: navigation happens in the browser, without a page load", async ({ page }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  await expect(page.getByText("Level: Administrator")).toBeVisible();
  await hydrated(page);
  // A marker on window survives client-side navigation only.
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Accounts" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Accounts" })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test("an Administrator creates a User account, which then signs in", async ({ page }) => {
  const login = unique("user");
  await signIn(page, "admin", ADMIN_PASSWORD);
  await page.goto("/accounts");
  await hydrated(page);

  // Instant feedback from the shared validation, before anything is sent.
  await page.getByLabel("Login").fill("x");
  await expect(page.getByText("Login must be 3 to 64 characters long.")).toBeVisible();
  await expect(page.getByLabel("Login")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Login").fill(login);
  await expect(page.getByLabel("Login")).toHaveAttribute("aria-invalid", "false");
  await page.getByLabel("Name").fill("Una User");
  await page.getByLabel("Password").fill("una-password-1");
  await page.getByLabel("Level").selectOption({ label: "User" });
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText(`Created ${login}`);
  await expect(page.getByRole("cell", { name: login, exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await signIn(page, login, "una-password-1");
  await expect(page.getByText("Level: User")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome, Una User");
});

test("removing an account asks first, in a dialog", async ({ page }) => {
  const login = unique("gone");
  await signIn(page, "admin", ADMIN_PASSWORD);
  await page.goto("/accounts");
  await hydrated(page);
  await page.getByLabel("Login").fill(login);
  await page.getByLabel("Name").fill("Soon Gone");
  await page.getByLabel("Password").fill("gone-password-1");
  await page.getByLabel("Level").selectOption({ label: "User" });
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("cell", { name: login, exact: true })).toBeVisible();

  await page.getByRole("button", { name: `Remove ${login}` }).click();
  const dialog = page.getByRole("dialog", { name: "Remove account" });
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("cell", { name: login, exact: true })).toBeVisible();

  await page.getByRole("button", { name: `Remove ${login}` }).click();
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("cell", { name: login, exact: true })).toBeHidden();
});
