// Interoperability with a third-party OAuth 2.0 client this project did not write: the
// npm package oauth4webapi drives every grant against the server's RFC 8414 metadata, and
// the user's consent is clicked in Chromium.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import * as oauth from "oauth4webapi";
import { ADMIN_PASSWORD, hydrated, signIn, unique } from "./helpers";

const REDIRECT_URI = "https://example.com/MyApp/handler";
const insecure = { [oauth.allowInsecureRequests]: true };

/** Registers an App through the console's own server function, as the signed-in page. */
async function registerApp(page: Page, trusted: boolean) {
  const form: Record<string, string> = {
    api: "unified",
    "form[name]": unique("Interop"),
    "form[description]": "Driven by oauth4webapi",
    "form[homepage]": "https://example.com/MyApp",
    "form[image_url]": "",
    "form[admin_email]": "interop@example.com",
    "form[admin_phone]": "",
    "form[redirect_url]": REDIRECT_URI,
  };
  if (trusted) form["form[trusted]"] = "on";
  const response = await page.request.post("/api/create_app", { form });
  expect(response.status()).toBe(200);
  const created = await response.json();
  return { key: created.app.key as string, secret: created.secret as string };
}

async function signInWithNext(page: Page) {
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await hydrated(page);
  await page.getByLabel("Login").fill("admin");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("oauth4webapi runs the code flow with PKCE, refresh, client credentials, introspection and revocation", async ({
  page,
  baseURL,
}) => {
  const issuer = new URL(baseURL!);
  const as = await oauth
    .discoveryRequest(issuer, { algorithm: "oauth2", ...insecure })
    .then((response) => oauth.processDiscoveryResponse(issuer, response));
  expect(as.code_challenge_methods_supported).toEqual(["S256"]);

  // The App's developer registers it (signed in as the Administrator).
  await signIn(page, "admin", ADMIN_PASSWORD);
  const registered = await registerApp(page, true);
  const client: oauth.Client = { client_id: registered.key };
  const clientAuth = oauth.ClientSecretBasic(registered.secret);

  // A fresh browser session: the authorization request asks the user to sign in first.
  await page.context().clearCookies();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authorizationUrl = new URL(as.authorization_endpoint!);
  authorizationUrl.searchParams.set("response_type", "code");
  authorizationUrl.searchParams.set("client_id", client.client_id);
  authorizationUrl.searchParams.set("redirect_uri", REDIRECT_URI);
  authorizationUrl.searchParams.set("state", state);
  authorizationUrl.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(codeVerifier));
  authorizationUrl.searchParams.set("code_challenge_method", "S256");

  // The App's redirect endpoint is played by Playwright: it records where the user lands.
  let callback: URL | undefined;
  await page.route("https://example.com/**", async (route) => {
    callback = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/plain", body: "back at the App" });
  });

  await page.goto(authorizationUrl.href);
  await signInWithNext(page);
  const consent = page.getByRole("form", { name: /Allow Interop.* to use your account\?/ });
  await expect(consent).toBeVisible();
  await expect(page.getByText("Driven by oauth4webapi")).toBeVisible();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByText("back at the App")).toBeVisible();
  expect(callback).toBeDefined();

  const params = oauth.validateAuthResponse(as, client, callback!, state);
  const codeResponse = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth,
    params,
    REDIRECT_URI,
    codeVerifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, codeResponse);
  expect(tokens.token_type).toBe("bearer");
  expect(tokens.refresh_token).toBeTruthy();

  const me = async (accessToken: string) =>
    oauth.protectedResourceRequest(accessToken, "GET", new URL("/uapi/v1/me", issuer), undefined, undefined, insecure);
  const facts = await (await me(tokens.access_token)).json();
  expect(facts.account.login).toBe("admin");
  expect(facts.app.key).toBe(registered.key);

  // Refresh: a new pair; the used refresh token is dead.
  const refreshed = await oauth.processRefreshTokenResponse(
    as,
    client,
    await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure),
  );
  expect(refreshed.access_token).not.toBe(tokens.access_token);
  expect((await me(refreshed.access_token)).status).toBe(200);

  // Introspection: live for the App's own token.
  const introspect = async (token: string) =>
    oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, clientAuth, token, insecure),
    );
  const live = await introspect(refreshed.access_token);
  expect(live.active).toBe(true);
  expect(live.client_id).toBe(registered.key);

  // Client credentials (the App is trusted), with form authentication this time.
  const ownerTokens = await oauth.processClientCredentialsResponse(
    as,
    client,
    await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(registered.secret),
      new URLSearchParams(),
      insecure,
    ),
  );
  expect((await me(ownerTokens.access_token)).status).toBe(200);

  // Revocation: the token stops working at once, and introspection says so.
  await oauth.processRevocationResponse(
    await oauth.revocationRequest(as, client, clientAuth, refreshed.access_token, insecure),
  );
  // RFC 6750: the refusal is a Bearer challenge with error="invalid_token".
  const refused = await me(refreshed.access_token).catch((error) => error);
  expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
  expect(refused.status).toBe(401);
  expect(refused.cause[0].scheme).toBe("bearer");
  expect(refused.cause[0].parameters.error).toBe("invalid_token");
  expect((await introspect(refreshed.access_token)).active).toBe(false);
  expect((await introspect(ownerTokens.access_token)).active).toBe(true);
});

test("a user who denies is sent back with access_denied and the state", async ({ page, baseURL }) => {
  await signIn(page, "admin", ADMIN_PASSWORD);
  const registered = await registerApp(page, false);

  let callback: URL | undefined;
  await page.route("https://example.com/**", async (route) => {
    callback = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/plain", body: "back at the App" });
  });
  const url = new URL("/oauth/authorize", baseURL);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: registered.key,
    redirect_uri: REDIRECT_URI,
    state: "deny-state",
  }).toString();
  await page.goto(url.href);
  // Already signed in: the consent page comes at once; Deny is reachable from the keyboard.
  const deny = page.getByRole("button", { name: "Deny" });
  await deny.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("back at the App")).toBeVisible();
  expect(callback!.searchParams.get("error")).toBe("access_denied");
  expect(callback!.searchParams.get("state")).toBe("deny-state");
});
