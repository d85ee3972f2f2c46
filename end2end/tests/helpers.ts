import { expect, type Page } from "@playwright/test";

/** The Administrator's password the Makefile starts the test server with. */
export const ADMIN_PASSWORD = process.env.APPWARD_ADMIN_PASSWORD ?? "e2e-admin-password";

/** Waits until the page has hydrated (the wasm bundle has taken over). */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
}

/** Signs in through the sign-in form and waits for the home page. */
export async function signIn(page: Page, login: string, password: string) {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Login").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Welcome");
}

/** A name no other test run has used. */
export function unique(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}
