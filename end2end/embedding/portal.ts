// What the embedding specs share: the environment the global setup wrote, portal tokens
// signed with the portal's private key (jose), the portal page and the console's frame in it.
import { type Frame, type Page } from "@playwright/test";
import { SignJWT, importPKCS8 } from "jose";
import { expect } from "../tests/fixtures";

export const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run with --config embedding.config.ts`);
  return value;
};

/** A portal token for `sub`: an Organization under the Administrator, valid for a minute. */
export async function portalToken(sub: string, name = `Portal ${sub}`) {
  const key = await importPKCS8(env("EMBED_PORTAL_KEY"), "EdDSA");
  return new SignJWT({ level: "organization", parent: "admin", name })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT" })
    .setIssuer(env("EMBED_PORTAL"))
    .setAudience(env("EMBED_APPWARD"))
    .setSubject(sub)
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime("60s")
    .sign(key);
}

/** The portal's sign-in link for `sub` (a fresh token), landing on `returnTo`. */
export async function ssoLink(sub: string, returnTo: string, options: { name?: string; embed?: boolean } = {}) {
  const query = new URLSearchParams({ token: await portalToken(sub, options.name), return_to: returnTo });
  if (options.embed) query.set("embed", "1");
  return `${env("EMBED_APPWARD")}/sso?${query}`;
}

/** Opens the portal page of `site` framing `url`. */
export async function openPortal(page: Page, site: string, url: string) {
  await page.goto(`${site}/portal.html#${encodeURIComponent(url)}`);
}

/** The console's frame in the portal page, once its page has hydrated. */
export async function consoleFrame(page: Page): Promise<Frame> {
  await expect
    .poll(() => page.frames().find((f) => f.url().startsWith(env("EMBED_APPWARD"))) !== undefined)
    .toBe(true);
  const frame = page.frames().find((f) => f.url().startsWith(env("EMBED_APPWARD")))!;
  await frame.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
  return frame;
}

/** The account signed in where `where` (a page or frame of the console) is, by its server function. */
export async function currentAccount(where: Page | Frame): Promise<{ login: string; name: string } | null> {
  return where.evaluate(async (base) => {
    const response = await fetch(`${base}/api/current_account`, { method: "POST" });
    return response.ok ? response.json() : null;
  }, new URL(env("EMBED_APPWARD")).pathname);
}
