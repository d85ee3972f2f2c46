// Takes the README's pictures of the main pages: light, dark, and a phone (360 px).
import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD, clientToken, hydrated, registerApp, signIn } from "./tests/helpers";

const OUT = "screenshots";

test("the README's screenshots", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, "admin", ADMIN_PASSWORD);
  const apps = [
    ["Billing Sync", "Keeps invoices in step with the accounting system every night."],
    ["CRM Connector", "Shows the caller's customer record as the phone rings."],
    ["Fax Gateway", "Sends and receives faxes as e-mail attachments for every extension of the organization."],
    ["Wallboard", "Live queue statistics for the support team's big screen."],
  ];
  const registered = [];
  for (const [name, description] of apps) registered.push(await registerApp(page, name, { description }));
  for (const agent of ["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0", "python-requests/2.32"]) {
    await clientToken(page.request, registered[1], agent);
  }
  await clientToken(page.request, registered[0], "BillingSync/3.1");

  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto("/apps?tab=management&api=unified");
    await hydrated(page);
    await page.screenshot({ path: `${OUT}/apps-management-${theme}.png` });
    await page.getByRole("button", { name: /3 access tokens of CRM Connector/ }).click();
    // The pop-up's content is fetched the first time it opens: wait for its table.
    await expect(page.getByRole("dialog").getByRole("table")).toBeVisible();
    await page.screenshot({ path: `${OUT}/access-tokens-${theme}.png` });
    await page.keyboard.press("Escape");
    await page.goto(`/apps/${registered[2].key}`);
    await hydrated(page);
    await page.screenshot({ path: `${OUT}/edit-app-${theme}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/apps?tab=management&api=unified");
  await hydrated(page);
  await page.screenshot({ path: `${OUT}/apps-management-360.png` });
});
