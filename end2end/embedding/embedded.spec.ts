// The console framed by a portal on another site, behind nginx under /console (issue 16):
// portal sign-in with a JWT, frameless and themed, the Apps Management journey inside the
// frame, the frame's height following its content, and refusal to an unlisted site.
import { type Frame, type Page } from "@playwright/test";
import { copyFileSync } from "node:fs";
import { test, expect } from "../tests/fixtures";
import { consoleFrame, env, openPortal, portalToken } from "./portal";

/** The iframe's height and its document's height (in CSS pixels). */
async function heights(page: Page, frame: Frame) {
  const outer = await page.locator("iframe[data-appward]").evaluate((el) => el.getBoundingClientRect().height);
  const inner = await frame.evaluate(() => document.documentElement.getBoundingClientRect().height);
  return { outer, inner };
}

test("a portal signs a new person in with a JWT, and the framed console works inside it", async ({
  page,
  request,
  consoleWatch,
}) => {
  const appward = env("EMBED_APPWARD");
  const sub = `pat${Date.now().toString(36)}`;
  const sso = `${appward}/sso?${new URLSearchParams({
    token: await portalToken(sub),
    return_to: "/console/apps?tab=management",
    embed: "1",
  })}`;
  await openPortal(page, env("EMBED_PORTAL"), sso);
  let frame = await consoleFrame(page);

  // Signed in with no password, as the new Organization the token named.
  await expect(frame.getByRole("tab", { name: "Apps Management" })).toHaveAttribute("aria-selected", "true");
  const me = await frame.evaluate(async () => {
    const response = await fetch("/console/api/current_account", { method: "POST" });
    return response.json();
  });
  expect(me.login).toBe(sub);
  expect(me.level).toBe("Organization");
  // Frameless: the portal draws the header; the console's own header and sign-out are hidden.
  await expect(frame.locator(".console-header")).toBeHidden();
  await expect(frame.getByRole("button", { name: "Sign out" })).toBeHidden();

  // An App of the person's, with two tokens, made through the console's own server function
  // (from inside the frame: the session cookie is partitioned under the portal's site).
  const name = `Framed ${sub}`;
  const app = await frame.evaluate(async (name) => {
    const form = new URLSearchParams({
      api: "unified",
      "form[name]": name,
      "form[description]": "Registered inside the portal",
      "form[homepage]": "https://example.com/MyApp",
      "form[image_url]": "",
      "form[admin_email]": "framed@example.com",
      "form[admin_phone]": "",
      "form[redirect_url]": "https://example.com/MyApp/handler",
      "form[trusted]": "on",
    });
    const response = await fetch("/console/api/create_app", { method: "POST", body: form });
    const created = await response.json();
    return { key: created.app.key as string, secret: created.secret as string };
  }, name);
  for (const agent of ["FirstAgent/1.0", "SecondAgent/2.0"]) {
    const response = await request.post(`${appward}/oauth/token.php`, {
      form: { grant_type: "client_credentials", client_id: app.key, client_secret: app.secret },
      headers: { "user-agent": agent },
    });
    expect(response.status()).toBe(200);
  }

  // The portal sends the console to Apps Management again (the "navigate" message), and
  // hears where it went (the "route" message).
  await page.evaluate(() => {
    const frame = document.getElementById("appward") as HTMLIFrameElement & { appwardNavigate(path: string): void };
    frame.appwardNavigate("/apps?tab=management&filter=Framed");
  });
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { appwardRoute?: string }).appwardRoute ?? ""))
    .toContain("filter=Framed");
  frame = await consoleFrame(page);
  const row = frame.getByRole("row").filter({ hasText: name });
  await expect(row).toBeVisible();

  // The operator's theme: the table's App link and the selected tab in the accent colour.
  const accent = "rgb(10, 125, 79)";
  await expect(row.getByRole("link", { name, exact: true })).toHaveCSS("color", accent);
  await expect(frame.getByRole("tab", { name: "Apps Management" })).toHaveCSS("background-color", accent);

  // The iframe is as tall as the console's content: no scroll bars inside scroll bars.
  await expect.poll(async () => {
    const { outer, inner } = await heights(page, frame);
    return Math.abs(outer - inner);
  }).toBeLessThan(2);
  const before = (await heights(page, frame)).outer;

  // The access tokens pop-up opens inside the frame, in the part the person sees.
  await frame.getByRole("button", { name: `2 access tokens of ${name}` }).click();
  const dialog = frame.getByRole("dialog", { name: `Access Tokens of ${name}` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("cell", { name: "FirstAgent/1.0" })).toBeVisible();
  await expect.poll(async () => {
    const box = await dialog.boundingBox();
    const viewport = page.viewportSize()!;
    return box !== null && box.y >= 0 && box.y + box.height <= viewport.height && box.height > 50;
  }).toBe(true);
  const withDialog = (await heights(page, frame)).outer;
  expect(withDialog).toBeGreaterThanOrEqual(before);
  await page.screenshot({ path: test.info().outputPath("embedded-dialog.png") });

  // Remove a token.
  await dialog.getByRole("row").filter({ hasText: "FirstAgent/1.0" }).getByRole("checkbox").check();
  await dialog.getByRole("button", { name: "Remove Selected" }).click();
  await frame.getByRole("dialog", { name: "Remove Selected" }).getByRole("button", { name: "OK" }).click();
  await expect(dialog.getByRole("status")).toHaveText("1 access token removed");
  await expect(dialog.getByRole("cell", { name: "FirstAgent/1.0" })).toHaveCount(0);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  await expect(frame.getByRole("button", { name: `1 access token of ${name}` })).toBeVisible();

  // Toggle S: suspend, then enable again.
  const status = frame.getByRole("switch", { name: `${name} enabled` });
  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "false");
  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "true");

  // The frame follows its content when it shrinks, too (a filter that matches nothing).
  const tall = (await heights(page, frame)).outer;
  await page.evaluate(() => {
    const frame = document.getElementById("appward") as HTMLIFrameElement & { appwardNavigate(path: string): void };
    frame.appwardNavigate("/");
  });
  await expect.poll(async () => (await heights(page, frame)).outer).not.toBe(tall);
  await expect.poll(async () => {
    const { outer, inner } = await heights(page, frame);
    return Math.abs(outer - inner);
  }).toBeLessThan(2);

  // Back on the table, for the picture.
  await page.evaluate(() => {
    const frame = document.getElementById("appward") as HTMLIFrameElement & { appwardNavigate(path: string): void };
    frame.appwardNavigate("/apps?tab=management");
  });
  await expect(frame.getByRole("row").filter({ hasText: name })).toBeVisible();
  const picture = test.info().outputPath("embedded-portal.png");
  await page.screenshot({ path: picture, fullPage: true });
  if (process.env.EMBED_SCREENSHOT) copyFileSync(picture, process.env.EMBED_SCREENSHOT);

  // The fixture hears console errors inside the frame too.
  consoleWatch.expectError(/frame-console-probe/);
  await frame.evaluate(() => console.error("frame-console-probe"));
});

test("under the base path, Sign out also works from a console the browser rendered", async ({ page, consoleWatch }) => {
  const appward = env("EMBED_APPWARD");
  const hydrated = () => document.documentElement.dataset.hydrated === "true";
  // The address that leads nowhere answers 404, which Chromium reports in the console.
  consoleWatch.expectError(/404/);
  await page.goto(`${appward}/sign-in`);
  await page.waitForFunction(hydrated);
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Password").fill(process.env.APPWARD_ADMIN_PASSWORD ?? "e2e-admin-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  // From the 404 page, its home link: the console and its header are built in the browser.
  await page.goto(`${appward}/nowhere`);
  await page.waitForFunction(hydrated);
  await page.getByRole("link", { name: "Go to the home page" }).click();
  const signOut = page.getByRole("button", { name: "Sign out" });
  await expect(signOut).toBeVisible();
  await signOut.click();
  await expect(page).toHaveURL(`${appward}/sign-in`);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto(`${appward}/apps`);
  await expect(page).toHaveURL(new RegExp(`^${appward}/sign-in`));
});

test("the same console framed by a site that is not listed is refused", async ({ page, consoleWatch }) => {
  consoleWatch.expectError(/Refused to frame|frame-ancestors/);
  await openPortal(page, env("EMBED_UNLISTED"), `${env("EMBED_APPWARD")}/sign-in?embed=1`);
  await expect.poll(() => consoleWatch.errors().some((e) => /frame-ancestors/.test(e))).toBe(true);
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    await expect(frame.locator("main, .console-header, form")).toHaveCount(0);
  }
});

test("the metadata answers at RFC 8414's own location, through the proxy", async ({ request }) => {
  const appward = env("EMBED_APPWARD");
  const origin = new URL(appward).origin;
  const response = await request.get(`${origin}/.well-known/oauth-authorization-server/console`);
  expect(response.status()).toBe(200);
  const metadata = await response.json();
  expect(metadata.issuer).toBe(appward);
  expect(metadata.token_endpoint).toBe(`${appward}/oauth/token`);
  // Appward answers nothing outside /console (nginx forwards only /console/ anyway).
  const outside = await request.get(`${origin}/console-other/livez`);
  expect(outside.status()).toBe(404);
});
