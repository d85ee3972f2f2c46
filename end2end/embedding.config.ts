import { defineConfig } from "@playwright/test";
import { chromiumLaunch } from "./chromium";

// The embedding journey (issue 16): nginx serves a portal page on one site (127.0.0.1) that
// frames Appward, proxied on another (localhost) under /console. The global setup starts
// nginx and the release binary itself; `make end2end` runs this config after the main one.
export default defineConfig({
  testDir: "./embedding",
  globalSetup: "./embedding/global-setup.ts",
  globalTeardown: "./embedding/global-teardown.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["json", { outputFile: "test-results/embedding-report.json" }]],
  use: {
    trace: "retain-on-failure",
    colorScheme: "light",
    viewport: { width: 1100, height: 700 },
    launchOptions: chromiumLaunch,
  },
  projects: [{ name: "chromium", use: { browserName: "chromium", headless: true } }],
});
