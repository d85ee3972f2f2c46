// A rolling upgrade: a page rendered by one release talks to a server of another. Every
// server-function answer names its release (x-appward-release); a page of another release
// reloads itself, once per release, and then runs the server's release. Here the page is
// made "older" by changing the release it names, as a page of the previous release would.
import { expect, test } from "./fixtures";
import { ADMIN_PASSWORD, hydrated, signIn } from "./helpers";

test("a page of an older release reloads itself when a server function answers from a newer one", async ({ page }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  const release = await page.evaluate(() => document.documentElement.dataset.release);
  expect(release).toMatch(/^appward\..*wasm$/);

  // The page says it is of another release, and marks itself to tell a reload apart.
  await page.evaluate(() => {
    document.documentElement.dataset.release = "appward.PreviousRelease0000000.wasm";
    (window as unknown as { notReloaded: boolean }).notReloaded = true;
  });
  const reloaded = page.waitForEvent("load");
  // A click whose page loads its data through a server function.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Accounts" }).click();
  await reloaded;
  await hydrated(page);
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Accounts");
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBeUndefined();
  expect(await page.evaluate(() => document.documentElement.dataset.release)).toBe(release);
  expect(await page.evaluate(() => sessionStorage.getItem("appward-reloaded-for"))).toBe(release);

  // Once per release: two instances of different releases cannot make a page reload forever.
  await page.evaluate(() => {
    document.documentElement.dataset.release = "appward.PreviousRelease0000000.wasm";
    (window as unknown as { notReloaded: boolean }).notReloaded = true;
  });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apps" }).click();
  await expect(page).toHaveURL(/\/apps/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
});
