// Who is signed in to the console, as the portal changes it (issue 29): a link from another
// site to /sso with another person's token only asks (login CSRF), and switches only when the
// signed-in person confirms; in the portal's own frame (cross-site cookies) the portal
// switches people unasked; and the portal ends the console's session with appwardSignOut().
import { type Frame, type Page } from "@playwright/test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { test, expect } from "../tests/fixtures";
import { ADMIN_PASSWORD, expectNoSidewaysScroll, expectSeen, hydrated, unique } from "../tests/helpers";
import { consoleFrame, currentAccount, env, openPortal, ssoLink } from "./portal";

const QUESTION = "Sign in as another person?";

/** Follows `url` the way a person does from another site: a link on a page of the unlisted origin. */
async function followLinkFromAnotherSite(page: Page, url: string) {
  await page.goto(`${env("EMBED_UNLISTED")}/link.html#${encodeURIComponent(url)}`);
  await page.getByRole("link", { name: "Open the console" }).click();
}

/** The console's header names `name` (a top-level console page, not frameless). */
async function expectHeaderNames(page: Page, name: string) {
  const who = page.locator(".console-header .account-name");
  await expect(who).toHaveText(name);
  await expectSeen(who);
}

/** Saves a picture of the page; with EMBED_SCREENSHOT_DIR, also there (end2end/screenshots). */
async function picture(page: Page, file: string) {
  const path = test.info().outputPath(file);
  await page.screenshot({ path, fullPage: true });
  if (process.env.EMBED_SCREENSHOT_DIR) copyFileSync(path, join(process.env.EMBED_SCREENSHOT_DIR, file));
}

test("a link from another site to /sso with another person's token asks, and only Switch switches", async ({ page }) => {
  const appward = env("EMBED_APPWARD");
  await page.goto(`${appward}/sign-in`);
  await hydrated(page);
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Welcome");
  await page.goto(`${appward}/apps`);
  await hydrated(page);
  const admin = (await currentAccount(page))!;
  expect(admin.login).toBe("admin");
  await expectHeaderNames(page, admin.name);

  // Someone else's sign-in link, on a page of another site: the console asks, naming both.
  // A fixed login keeps the picture the same from run to run (each run has a new database;
  // a retry finds the same person linked, which asks the same way).
  const other = "sam.rivera";
  const otherName = "Sam Rivera";
  await followLinkFromAnotherSite(page, await ssoLink(other, "/console/apps", { name: otherName }));
  await expect(page).toHaveURL(new RegExp(`^${appward}/sso\\?`));
  const card = page.getByRole("region", { name: QUESTION });
  await expectSeen(card.getByRole("heading", { name: QUESTION }));
  await expect(card).toContainText(`signed in to Appward as ${admin.name} (login admin)`);
  await expect(card).toContainText(`signs in ${otherName} (login ${other}) from the portal instead`);
  const switchButton = card.getByRole("button", { name: `Switch to ${otherName}` });
  const cancel = card.getByRole("link", { name: "Cancel" });
  await expectSeen(switchButton);
  await expectSeen(cancel);
  await expectNoSidewaysScroll(page);
  await picture(page, "sso-switch-light.png");
  await page.setViewportSize({ width: 360, height: 700 });
  await expectSeen(switchButton);
  await expectSeen(cancel);
  await expectNoSidewaysScroll(page);
  await picture(page, "sso-switch-360.png");
  await page.setViewportSize({ width: 1100, height: 700 });

  // Cancel: still the Administrator, on the console's home and on Apps.
  await cancel.click();
  await expect(page).toHaveURL(`${appward}/`);
  await expectHeaderNames(page, admin.name);
  await page.goto(`${appward}/apps`);
  await hydrated(page);
  await expectHeaderNames(page, admin.name);
  expect((await currentAccount(page))!.login).toBe("admin");

  // A fresh link, and this time the person confirms: now signed in as the other person.
  await followLinkFromAnotherSite(page, await ssoLink(other, "/console/apps", { name: otherName }));
  await expectSeen(page.getByRole("heading", { name: QUESTION }));
  await page.getByRole("button", { name: `Switch to ${otherName}` }).click();
  await expect(page).toHaveURL(`${appward}/apps`);
  await hydrated(page);
  await expectHeaderNames(page, otherName);
  expect((await currentAccount(page))!.login).toBe(other);
});

test("in the portal's frame with cross-site cookies, the portal switches people without a question", async ({ page }) => {
  const appward = env("EMBED_APPWARD");
  const first = unique("ana");
  const second = unique("ben");
  await openPortal(page, env("EMBED_PORTAL"), await ssoLink(first, "/console/", { name: "Ana Lima", embed: true }));
  const frame: Frame = await consoleFrame(page);
  expect(await frame.evaluate(() => document.documentElement.dataset.crossSiteCookies)).toBe("true");
  await expectSeen(frame.getByRole("heading", { name: "Welcome, Ana Lima" }));
  expect((await currentAccount(frame))!.login).toBe(first);

  // The portal signs the next person in, in the same frame: /sso switches at once (303).
  const sso = page.waitForResponse((response) => response.url().startsWith(`${appward}/sso?`));
  const next = await ssoLink(second, "/console/", { name: "Ben Okafor", embed: true });
  await page.evaluate((url) => {
    (document.getElementById("appward") as HTMLIFrameElement).src = url;
  }, next);
  expect((await sso).status()).toBe(303);
  await expect.poll(() => frame.url()).toBe(`${appward}/`);
  await frame.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
  await expectSeen(frame.getByRole("heading", { name: "Welcome, Ben Okafor" }));
  await expect(frame.getByRole("heading", { name: QUESTION })).toHaveCount(0);
  expect((await currentAccount(frame))!.login).toBe(second);
});

test("the portal signs the person out of the framed console with appwardSignOut()", async ({ page, request }) => {
  const appward = env("EMBED_APPWARD");
  const sub = unique("cy");
  await openPortal(page, env("EMBED_PORTAL"), await ssoLink(sub, "/console/apps?tab=management", { embed: true }));
  const frame = await consoleFrame(page);
  await expect(frame.getByRole("tab", { name: "Apps Management" })).toHaveAttribute("aria-selected", "true");
  expect((await currentAccount(frame))!.login).toBe(sub);

  // The session cookie the frame holds (partitioned under the portal's site), replayed from
  // outside the browser: it is the person's session until the sign-out, and nothing after.
  const cookie = (await page.context().cookies(appward)).find((c) => c.name.endsWith("appward_session"));
  expect(cookie, "the frame's session cookie").toBeDefined();
  const withCookie = () =>
    request.post(`${appward}/api/current_account`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
  expect((await withCookie()).status()).toBe(200);

  await page.evaluate(() => {
    const iframe = document.getElementById("appward") as HTMLIFrameElement & { appwardSignOut(): void };
    const w = window as unknown as { signedOut: number };
    w.signedOut = 0;
    iframe.addEventListener("appward:signed-out", () => (w.signedOut += 1));
    iframe.appwardSignOut();
  });
  await expect.poll(() => page.evaluate(() => (window as unknown as { signedOut: number }).signedOut)).toBe(1);
  await expect.poll(() => frame.url()).toBe(`${appward}/sign-in`);
  await frame.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
  await expectSeen(frame.getByRole("heading", { name: "Sign in" }));
  expect((await withCookie()).status()).toBe(401);

  // A console page loaded in the frame again goes to sign-in.
  await page.evaluate((url) => {
    (document.getElementById("appward") as HTMLIFrameElement).src = url;
  }, `${appward}/apps?tab=management`);
  await expect.poll(() => frame.url()).toMatch(new RegExp(`^${appward}/sign-in\\?next=`));
  await frame.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
  await expectSeen(frame.getByRole("heading", { name: "Sign in" }));
});
