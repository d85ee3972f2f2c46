// The browser checks links and domains with its own URL parser (no IDNA tables in the
// bundle); the server with the url and idna crates. Both must answer the shared table
// alike: here the browser, through the App form as a person types; the server in
// src/domain/app_form.rs (`the_server_answers_the_shared_table`).
import { expect, test } from "./fixtures";
import { ADMIN_PASSWORD, hydrated, signIn } from "./helpers";
import table from "../../tests/shared/links_and_domains.json";

const LABELS: Record<string, string> = {
  homepage: "Homepage",
  image_url: "Image URL",
  admin_email: "Admin email",
  redirect_url: "Redirect URL",
};

test("the browser answers the shared table of links and domains as the server does", async ({ page }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  await page.goto("/apps/new?api=unified");
  await hydrated(page);
  for (const row of table) {
    const field = page.getByRole("textbox", { name: LABELS[row.field], exact: true });
    await field.fill(row.input);
    const why = `${row.field} ${JSON.stringify(row.input)}`;
    await expect(field, why).toHaveAttribute("aria-invalid", row.accepted ? "false" : "true");
    if (row.lookalike) {
      await expect(field, why).toHaveAccessibleDescription(/look-alike/);
    } else {
      await expect(field, why).not.toHaveAccessibleDescription(/look-alike/);
    }
  }
});
