import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ADMIN_PASSWORD, hydrated, signIn, unique } from "./helpers";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

const KEY_SHAPE = /^[A-Za-z0-9._~-]{32}$/;

async function openRegistration(page: Page) {
  await page.goto("/apps?tab=registration");
  await hydrated(page);
  await expect(page.getByRole("tab", { name: "App Registration" })).toHaveAttribute("aria-selected", "true");
}

/** Fills Add App with the seed's example (and `name`), presses OK, waits for the edit form. */
async function addApp(page: Page, name: string, values: Record<string, string> = {}) {
  await openRegistration(page);
  await page.getByRole("link", { name: "Add App" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Add App" })).toBeVisible();
  const fields: Record<string, string> = {
    Name: name,
    Description: "I love my App!",
    Homepage: "http://example.com/MyApp",
    "Admin email": "myapp@email.com",
    "Redirect URL": "https://example.com/MyApp/handler",
    ...values,
  };
  for (const [label, value] of Object.entries(fields)) {
    await page.getByRole("textbox", { name: label, exact: true }).fill(value);
  }
  await page.getByRole("button", { name: "OK", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit App" })).toBeVisible();
}

test("Add App with an IDN homepage and email shows them in Unicode", async ({ page }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  await addApp(page, unique("Bücher "), {
    Homepage: "http://xn--bcher-kva.example/MyApp",
    "Admin email": "admin@пример.рф",
  });
  await expect(page.getByRole("textbox", { name: "Homepage", exact: true })).toHaveValue("http://bücher.example/MyApp");
  await expect(page.getByRole("textbox", { name: "Admin email", exact: true })).toHaveValue("admin@пример.рф");
  // OK showed the new key and, this once, the secret.
  await expect(page.getByRole("textbox", { name: "App ID/key" })).toHaveValue(KEY_SHAPE);
  await expect(page.getByRole("textbox", { name: "App secret" })).toHaveValue(KEY_SHAPE);
  await expect(page.getByRole("status").filter({ hasText: "App added." })).toBeVisible();
});

test("a field error appears while typing an http:// Redirect URL, and Cancel stores nothing", async ({ page }) => {
  const name = unique("Cancelled ");
  await signIn(page, "admin", ADMIN_PASSWORD);
  await openRegistration(page);
  await page.getByRole("link", { name: "Add App" }).click();
  await hydrated(page);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  const redirect = page.getByLabel("Redirect URL");
  await redirect.pressSequentially("http://example.com/cb");
  await expect(page.getByText("Redirect URL must be an https:// link.")).toBeVisible();
  await expect(redirect).toHaveAttribute("aria-invalid", "true");
  await redirect.fill("https://example.com/cb");
  await expect(redirect).toHaveAttribute("aria-invalid", "false");
  await expect(page.getByText("Redirect URL must be an https:// link.")).toHaveCount(0);
  // The trusted box is off by default and carries the seed's warning.
  const trusted = page.getByLabel("App is trusted");
  await expect(trusted).not.toBeChecked();
  await expect(trusted).toHaveAccessibleDescription(/no user authentication is required/);

  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page.getByRole("tab", { name: "App Registration" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("link", { name })).toHaveCount(0);
});

test("create, edit, reveal and copy the secret, regenerate it, remove the App", async ({ page }) => {
  const name = unique("Lifecycle ");
  const renamed = `${name} renamed`;
  await signIn(page, "admin", ADMIN_PASSWORD);
  await addApp(page, name);

  // Back in the table, the name leads to the edit form, where the secret is masked.
  await openRegistration(page);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit App" })).toBeVisible();
  await hydrated(page);
  const secretField = page.getByRole("textbox", { name: "App secret" });
  await expect(secretField).toHaveValue("•".repeat(32));

  await page.getByRole("button", { name: "Reveal" }).click();
  await expect(secretField).toHaveValue(KEY_SHAPE);
  const secret = await secretField.inputValue();
  await page.getByRole("button", { name: "Copy App secret" }).click();
  await expect(page.getByRole("status")).toHaveText("App secret copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // Regenerate asks first, then the shown secret changes.
  await page.getByRole("button", { name: "Regenerate" }).click();
  const dialog = page.getByRole("dialog", { name: "Regenerate App secret" });
  await expect(dialog).toContainText("every access token of the App stop working");
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(secretField).not.toHaveValue(secret);
  await expect(secretField).toHaveValue(KEY_SHAPE);
  await expect(page.getByRole("status")).toContainText("Secret regenerated");

  // Edit: OK saves and returns to the table.
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(renamed);
  await page.getByRole("button", { name: "OK", exact: true }).click();
  await expect(page.getByRole("tab", { name: "App Registration" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("link", { name: renamed, exact: true })).toBeVisible();

  // Remove: tick it, Remove Selected, confirm.
  await page.getByRole("checkbox", { name: `Select ${renamed}` }).check();
  await page.getByRole("button", { name: "Remove Selected" }).click();
  const confirm = page.getByRole("dialog", { name: "Remove Selected" });
  await expect(confirm).toContainText("Remove 1 App?");
  await confirm.getByRole("button", { name: "OK" }).click();
  await expect(page.getByRole("status")).toHaveText("1 App removed");
  await expect(page.getByRole("link", { name: renamed, exact: true })).toHaveCount(0);
});
