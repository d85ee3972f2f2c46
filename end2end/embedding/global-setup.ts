// Starts the parts of the embedding journey: a portal key pair (jose), the operator's theme,
// the portal page and a page with a link, nginx (portal site, unlisted site, and the proxy of
// Appward under /console), and the release binary of Appward behind it. Everything lives in
// a temporary folder; the teardown stops both processes. What the specs need goes to
// process.env.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { chmodSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { exportPKCS8, exportSPKI, generateKeyPair } from "jose";
import { nginxConfig } from "./nginx";

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function nginxBinary(): string {
  for (const candidate of ["/usr/sbin/nginx", "/usr/bin/nginx"]) {
    try {
      execFileSync(candidate, ["-v"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error("nginx is not installed: run `make nginx` (Debian's package)");
}

async function waitFor(url: string, what: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer at ${url} within 30 s`);
}

export default async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), "appward-embed-e2e-"));
  // nginx's workers run as an unprivileged user: they must read the portal page.
  chmodSync(dir, 0o755);
  const [appPort, portalPort, unlistedPort, proxyPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const portal = `http://127.0.0.1:${portalPort}`;
  const unlisted = `http://127.0.0.1:${unlistedPort}`;
  const appward = `http://localhost:${proxyPort}/console`;

  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  writeFileSync(join(dir, "portal.pub"), await exportSPKI(publicKey));
  const theme = join(dir, "theme.css");
  writeFileSync(theme, ":root { --aw-accent: light-dark(#0a7d4f, #5fd3a0); }\n");

  const site = join(dir, "portal");
  mkdirSync(site);
  chmodSync(site, 0o755);
  writeFileSync(join(site, "portal.html"), PORTAL_PAGE(appward));
  writeFileSync(join(site, "link.html"), LINK_PAGE);

  const conf = join(dir, "nginx.conf");
  writeFileSync(conf, nginxConfig({ dir, site, portalPort, unlistedPort, proxyPort, appPort }));
  const nginx = nginxBinary();
  execFileSync(nginx, ["-t", "-q", "-p", dir, "-e", join(dir, "error.log"), "-c", conf]);
  execFileSync(nginx, ["-p", dir, "-e", join(dir, "error.log"), "-c", conf]);

  const worktree = resolve(__dirname, "../..");
  const target = process.env.CARGO_TARGET_DIR ?? join(process.env.HOME ?? "/root", ".cache/appward/target");
  const binary = process.env.APPWARD_BIN ?? join(target, "release/appward");
  const log = openSync(join(dir, "appward.log"), "a");
  const server = spawn(binary, [], {
    env: {
      PATH: process.env.PATH ?? "",
      RUST_LOG: "warn",
      LEPTOS_SITE_ADDR: `127.0.0.1:${appPort}`,
      LEPTOS_SITE_ROOT: join(worktree, "target/site"),
      APPWARD_DATA_DIR: join(dir, "data"),
      APPWARD_ADMIN_PASSWORD: process.env.APPWARD_ADMIN_PASSWORD ?? "e2e-admin-password",
      APPWARD_BASE_PATH: "/console",
      APPWARD_PUBLIC_URL: appward,
      APPWARD_TRUSTED_PROXIES: "127.0.0.1",
      APPWARD_CROSS_SITE_COOKIES: "true",
      APPWARD_FRAME_ANCESTORS: portal,
      APPWARD_PORTAL_SSO_KEY: join(dir, "portal.pub"),
      APPWARD_PORTAL_SSO_ISSUER: portal,
      APPWARD_THEME_CSS: theme,
    },
    stdio: ["ignore", log, log],
    detached: true,
  });
  server.unref();
  writeFileSync(join(dir, "appward.pid"), String(server.pid));
  await waitFor(`${appward}/livez`, "Appward behind nginx");

  Object.assign(process.env, {
    EMBED_DIR: dir,
    EMBED_NGINX: nginx,
    EMBED_PORTAL: portal,
    EMBED_UNLISTED: unlisted,
    EMBED_APPWARD: appward,
    EMBED_PORTAL_KEY: await exportPKCS8(privateKey),
  });
}

// The portal: its own header, then Appward's frame (its URL comes after `#`), sized by
// Appward's embed.js.
const PORTAL_PAGE = (appward: string) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Portal</title>
<link rel="icon" href="data:,">
<style>
  body { margin: 0; font-family: sans-serif; background: #f3efe6; }
  header { padding: 12px 20px; background: #2b2d42; color: #fff; }
  iframe { display: block; width: 100%; border: 0; height: 150px; }
  footer { padding: 12px 20px; color: #555; }
</style>
</head>
<body>
<header><strong>Example Portal</strong> · Apps</header>
<iframe data-appward title="Appward" id="appward"></iframe>
<footer>Portal footer</footer>
<script>
  document.getElementById("appward").src = decodeURIComponent(location.hash.slice(1));
</script>
<script src="${appward}/embed.js"></script>
<script>
  document.getElementById("appward").addEventListener("appward:route", (event) => {
    window.appwardRoute = event.detail.path;
  });
</script>
</body>
</html>
`;

// A page of another site with one link (its URL comes after `#`): what a person follows
// from a mail, a chat or a hostile page.
const LINK_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Another site</title>
<link rel="icon" href="data:,">
</head>
<body>
<h1>Another site</h1>
<p><a id="link">Open the console</a></p>
<script>
  document.getElementById("link").href = decodeURIComponent(location.hash.slice(1));
</script>
</body>
</html>
`;
