// The Apps page's view lives in the address: reload, Back/Forward and a shared link open it.
import { expect, test } from "./fixtures";
import { ADMIN_PASSWORD, hydrated, registerApp, signIn, unique } from "./helpers";

test("tab, API, filter, sort and page follow every change and survive reload and Back", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, "admin", ADMIN_PASSWORD);
  const prefix = unique("Address ");
  for (let i = 0; i < 51; i++) await registerApp(page, `${prefix} ${String(i).padStart(2, "0")}`, { trusted: false });
  await page.goto("/apps");
  await hydrated(page);

  await page.getByRole("tab", { name: "App Registration" }).click();
  await expect(page).toHaveURL(/tab=registration/);
  await page.getByText("SystemAPI", { exact: true }).click();
  await expect(page).toHaveURL(/api=system/);
  await page.getByText("UnifiedAPI", { exact: true }).click();
  await expect(page).toHaveURL(/api=unified/);
  await page.getByLabel("Filter").fill(prefix);
  await expect(page).toHaveURL(/reg_filter=Address/);
  await expect(page.getByRole("navigation", { name: "Pages of Apps" })).toContainText("Page 1 of 2 (51 Apps)");
  await page.getByRole("link", { name: /^App\b.*sort by App/ }).click();
  await expect(page).toHaveURL(/reg_order=desc/);
  await expect(page.getByRole("row").nth(1)).toContainText(`${prefix} 50`);
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/reg_page=2/);
  await expect(page.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("row").nth(1)).toContainText(`${prefix} 00`);

  // A reload opens the same view.
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("tab", { name: "App Registration" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByLabel("Filter")).toHaveValue(prefix);
  await expect(page.getByRole("columnheader", { name: /^App/ })).toHaveAttribute("aria-sort", "descending");
  await expect(page.getByRole("row").nth(1)).toContainText(`${prefix} 00`);

  // Back: page 1, then ascending again; Forward: descending.
  await page.goBack();
  await expect(page.getByRole("navigation", { name: "Pages of Apps" })).toContainText("Page 1 of 2");
  await expect(page.getByRole("row").nth(1)).toContainText(`${prefix} 50`);
  await page.goBack();
  await expect(page.getByRole("columnheader", { name: /^App/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(page.getByRole("row").nth(1)).toContainText(`${prefix} 00`);
  await page.goForward();
  await expect(page.getByRole("columnheader", { name: /^App/ })).toHaveAttribute("aria-sort", "descending");

  // The other tab keeps a view of its own: its filter is empty, then its own parameter.
  await page.getByRole("tab", { name: "Apps Management" }).click();
  await expect(page).toHaveURL(/tab=management/);
  await expect(page.getByLabel("Filter")).toHaveValue("");
  await page.getByLabel("Filter").fill(`${prefix} 07`);
  await expect(page).toHaveURL(/[?&]filter=Address/);
  await expect(page).toHaveURL(/reg_filter=Address/);
  await expect(page.getByRole("row")).toHaveCount(2);

  // A shared link opens the same view in a fresh page.
  const shared = page.url();
  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(other.getByRole("tab", { name: "Apps Management" })).toHaveAttribute("aria-selected", "true");
  await expect(other.getByRole("row")).toHaveCount(2);
  await expect(other.getByRole("row").nth(1)).toContainText(`${prefix} 07`);
  await other.close();
});

test("bad values in the address fall back to the defaults without an error", async ({ page }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  await registerApp(page, unique("Fallback "));
  await page.goto("/apps?tab=nonsense&api=soap&page=18446744073709551615&sort=drop&order=up&reg_page=-1");
  await hydrated(page);
  await expect(page.getByRole("tab", { name: "Apps Management" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("radio", { name: "UnifiedAPI" })).toBeChecked();
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(page.getByRole("columnheader", { name: /^App/ })).toHaveAttribute("aria-sort", "ascending");
});
