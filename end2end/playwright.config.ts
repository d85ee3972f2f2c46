import { defineConfig } from "@playwright/test";
import { chromiumLaunch } from "./chromium";

// The server is started by `cargo leptos end-to-end --release` (see the Makefile);
// global-setup waits until it answers.
const baseURL = process.env.APPWARD_E2E_URL ?? "http://127.0.0.1:3107";

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["json", { outputFile: "test-results/console-report.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: chromiumLaunch,
  },
  projects: [{ name: "chromium", use: { browserName: "chromium", headless: true } }],
});
