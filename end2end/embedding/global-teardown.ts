// Stops what the global setup started: the Appward process and nginx.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export default async function globalTeardown() {
  const dir = process.env.EMBED_DIR;
  if (!dir) return;
  const pidFile = join(dir, "appward.pid");
  if (existsSync(pidFile)) {
    try {
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGTERM");
    } catch {
      // already gone
    }
  }
  if (process.env.EMBED_NGINX && existsSync(join(dir, "nginx.pid"))) {
    try {
      execFileSync(process.env.EMBED_NGINX, ["-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf"), "-s", "stop"]);
    } catch {
      // already gone
    }
  }
}
