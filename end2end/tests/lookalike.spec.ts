// A homepage whose domain imitates a Latin name in another script is shown in punycode,
// with a warning, in the browser; a genuine IDN stays in Unicode.
import { expect, test } from "./fixtures";
import { ADMIN_PASSWORD, hydrated, signIn, unique } from "./helpers";

async function register(page: import("@playwright/test").Page, name: string, homepage: string) {
  const response = await page.request.post("/api/create_app", {
    form: {
      api: "unified",
      "form[name]": name,
      "form[description]": "",
      "form[homepage]": homepage,
      "form[image_url]": "",
      "form[admin_email]": "admin@example.com",
      "form[admin_phone]": "",
      "form[redirect_url]": "https://example.com/cb",
    },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).app.key as string;
}

test("a look-alike homepage shows as punycode with its warning, пример.рф in Unicode", async ({ page }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  const prefix = unique("Lookalike ");
  // Cyrillic а р р ӏ е: reads as "apple".
  const fake = await register(page, `${prefix} fake`, "https://\u0430\u0440\u0440\u04cf\u0435.com/");
  await register(page, `${prefix} genuine`, "https://пример.рф/");

  await page.goto(`/apps?tab=registration&api=unified&reg_filter=${encodeURIComponent(prefix)}`);
  await hydrated(page);
  const fakeRow = page.getByRole("row").filter({ hasText: `${prefix} fake` });
  const genuineRow = page.getByRole("row").filter({ hasText: `${prefix} genuine` });
  await expect(fakeRow.getByRole("link", { name: /xn--/ })).toBeVisible();
  await expect(fakeRow.getByRole("note")).toContainText("Look-alike domain");
  await expect(genuineRow.getByRole("link", { name: /пример\.рф/ })).toBeVisible();
  await expect(genuineRow.getByRole("note")).toHaveCount(0);

  await page.goto(`/apps?tab=management&api=unified&filter=${encodeURIComponent(prefix)}`);
  await hydrated(page);
  await expect(page.getByRole("row").filter({ hasText: `${prefix} fake` }).getByRole("note")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: `${prefix} genuine` }).getByRole("note")).toHaveCount(0);

  // The edit form shows the stored homepage in punycode and says why; typing a genuine
  // IDN removes the warning at once.
  await page.goto(`/apps/${fake}`);
  await hydrated(page);
  const homepage = page.getByRole("textbox", { name: "Homepage", exact: true });
  await expect(homepage).toHaveValue(/^https:\/\/xn--/);
  await expect(homepage).toHaveAccessibleDescription(/look-alike/);
  await homepage.fill("https://пример.рф/");
  await expect(page.getByRole("note")).toHaveCount(0);
});
