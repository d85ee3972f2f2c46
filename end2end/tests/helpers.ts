import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";

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

/** An App registered through the real server function, as the signed-in account of `page`. */
export type Registered = { key: string; secret: string; name: string };

/** Registers a (trusted, UnifiedAPI by default) App with the page's session. */
export async function registerApp(
  page: Page,
  name: string,
  options: { description?: string; trusted?: boolean; api?: "unified" | "system" } = {},
): Promise<Registered> {
  const form: Record<string, string> = {
    api: options.api ?? "unified",
    "form[name]": name,
    "form[description]": options.description ?? "Managed in the browser",
    "form[homepage]": "https://example.com/MyApp",
    "form[image_url]": "",
    "form[admin_email]": "managed@example.com",
    "form[admin_phone]": "",
    "form[redirect_url]": "https://example.com/MyApp/handler",
  };
  if (options.trusted ?? true) form["form[trusted]"] = "on";
  const response = await page.request.post("/api/create_app", { form });
  expect(response.status()).toBe(200);
  const created = await response.json();
  return { key: created.app.key, secret: created.secret, name };
}

/** A client-credentials access token of `app`, asked with `userAgent`. */
export async function clientToken(request: APIRequestContext, app: { key: string; secret: string }, userAgent: string) {
  const response = await request.post("/oauth/token", {
    form: { grant_type: "client_credentials", client_id: app.key, client_secret: app.secret },
    headers: { "user-agent": userAgent },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).access_token as string;
}

/** The status `/uapi/v1/me` answers for `accessToken`. */
export async function meStatus(request: APIRequestContext, accessToken: string) {
  const response = await request.get("/uapi/v1/me", { headers: { authorization: `Bearer ${accessToken}` } });
  return response.status();
}

/**
 * Asserts that a person can see `locator`: inside the viewport, not clipped by an ancestor
 * (up to the top layer it sits in), and not covered: `elementFromPoint` a few pixels inside
 * each corner lands on it.
 */
export async function expectSeen(locator: Locator) {
  await expect(locator).toBeVisible();
  const problems = await locator.evaluate((element: Element) => {
    const found: string[] = [];
    const box = element.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    const height = document.documentElement.clientHeight;
    if (box.left < 0 || box.top < 0 || box.right > width + 0.5 || box.bottom > height + 0.5) {
      found.push(`outside the ${width}×${height} viewport: ${box.left},${box.top}–${box.right},${box.bottom}`);
    }
    const inTopLayer = (node: Element) => node.matches(":popover-open, dialog:modal");
    if (!inTopLayer(element)) {
      for (let ancestor = element.parentElement; ancestor; ancestor = ancestor.parentElement) {
        const style = getComputedStyle(ancestor);
        if (style.overflowX !== "visible" || style.overflowY !== "visible") {
          const clip = ancestor.getBoundingClientRect();
          if (box.left < clip.left - 0.5 || box.top < clip.top - 0.5 || box.right > clip.right + 0.5 || box.bottom > clip.bottom + 0.5) {
            found.push(`clipped by <${ancestor.tagName.toLowerCase()} class="${ancestor.className}">`);
          }
        }
        if (inTopLayer(ancestor)) break;
      }
    }
    const inset = 3;
    const corners = [
      [box.left + inset, box.top + inset],
      [box.right - inset, box.top + inset],
      [box.left + inset, box.bottom - inset],
      [box.right - inset, box.bottom - inset],
    ];
    for (const [x, y] of corners) {
      const hit = document.elementFromPoint(x, y);
      if (!hit || !(hit === element || element.contains(hit))) {
        found.push(`covered at ${Math.round(x)},${Math.round(y)} by <${hit?.tagName.toLowerCase()} class="${hit?.className}">`);
      }
    }
    return found;
  });
  expect(problems, "seen by a person").toEqual([]);
}

/** Presses Tab (or Shift+Tab) until `target` has the focus: the keyboard's way to reach it. */
export async function tabTo(page: Page, target: Locator, options: { backwards?: boolean; max?: number } = {}) {
  const key = options.backwards ? "Shift+Tab" : "Tab";
  for (let step = 0; step < (options.max ?? 80); step++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`Tab never reached ${target}`);
}

/** The document never scrolls sideways. */
export async function expectNoSidewaysScroll(page: Page) {
  const sizes = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(sizes.scroll, `the page scrolls sideways (${sizes.scroll} > ${sizes.client})`).toBeLessThanOrEqual(sizes.client);
}
