import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `make screenshots`: the pictures in the README, from the real release build.
export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "screenshots.spec.ts",
});
