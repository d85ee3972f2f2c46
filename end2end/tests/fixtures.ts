// The one fixture every spec uses: a test fails on any uncaught page error or wasm panic,
// always, and on any console error it did not declare; a declared error must then occur.
import { test as base, expect, type ConsoleMessage, type Page } from "@playwright/test";

export { expect };

/** What a test may declare: a console error it causes on purpose (a 400 for a wrong password). */
export type ConsoleWatch = {
  /** Declares that a console error matching `pattern` is expected; it must then occur. */
  expectError(pattern: RegExp): void;
  /** The console errors seen so far (for asserting that a declared one happened now). */
  errors(): string[];
};

const PANIC = /panicked at|unreachable|RuntimeError|already been disposed/i;

export const test = base.extend<{ consoleWatch: ConsoleWatch }>({
  consoleWatch: [
    async ({ context }, use) => {
      const expected: { pattern: RegExp; seen: number }[] = [];
      const problems: string[] = [];
      const errors: string[] = [];
      const watch = (page: Page) => {
        page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
        page.on("crash", () => problems.push("the page crashed"));
        page.on("console", (message: ConsoleMessage) => {
          if (message.type() !== "error") return;
          const text = `${message.text()} (${message.location().url})`;
          errors.push(text);
          if (PANIC.test(text)) {
            problems.push(`wasm panic: ${text}`);
            return;
          }
          const declared = expected.find((e) => e.pattern.test(text));
          if (declared) declared.seen += 1;
          else problems.push(`undeclared console error: ${text}`);
        });
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      await use({
        expectError: (pattern) => expected.push({ pattern, seen: 0 }),
        errors: () => [...errors],
      });
      const missing = expected.filter((e) => e.seen === 0).map((e) => `declared but not seen: ${e.pattern}`);
      expect([...problems, ...missing], "the browser console stays clean").toEqual([]);
    },
    { auto: true },
  ],
});
