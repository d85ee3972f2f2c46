// When the database cannot be written (another process holds its write lock, as a stuck
// maintenance script would), a person's click is answered within the deadline: an alert
// says the server is busy and when to try again, the switch goes back, and once the
// lock is gone the same click works. The lock is real: a Python process holds BEGIN
// IMMEDIATE on the test server's SQLite file.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { expect, test } from "./fixtures";
import { ADMIN_PASSWORD, expectSeen, hydrated, registerApp, signIn, unique } from "./helpers";

/** Holds the write lock of the SQLite file `database` until the returned process's stdin ends. */
async function holdWriteLock(database: string): Promise<ChildProcessWithoutNullStreams> {
  const holder = spawn("python3", [
    "-c",
    [
      "import sqlite3, sys",
      "db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)",
      "db.execute('BEGIN IMMEDIATE')",
      "print('locked', flush=True)",
      "sys.stdin.read()",
      "db.execute('COMMIT')",
    ].join("\n"),
    database,
  ]);
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on("data", (data: Buffer) => {
      if (data.toString().includes("locked")) resolve();
    });
    holder.on("exit", (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
  return holder;
}

test("a click while the database is locked says the server is busy, and works once it is free", async ({ page, consoleWatch }) => {
  const dataDir = process.env.APPWARD_DATA_DIR;
  expect(dataDir, "the Makefile gives the test server's data folder").toBeTruthy();
  await signIn(page, "admin", ADMIN_PASSWORD);
  const app = await registerApp(page, unique("Locked"));
  await page.goto("/apps?tab=management&api=unified");
  await hydrated(page);
  await page.getByLabel("Filter").fill(app.name);
  await expect(page).toHaveURL(/filter=/);
  await expect(page.getByRole("row")).toHaveCount(2);
  // The filter may have loaded a new page: the click below must reach the hydrated switch.
  await hydrated(page);
  const status = page.getByRole("switch", { name: `${app.name} enabled` });
  await expect(status).toHaveAttribute("aria-checked", "true");

  const holder = await holdWriteLock(path.join(dataDir!, "appward.db"));
  try {
    consoleWatch.expectError(/status of 503/);
    const asked = Date.now();
    await status.click();
    const notice = page.getByRole("alert");
    await expect(notice).toContainText("The server is busy. Try again in 1 second.");
    // Within the server's deadline (5 s by default), not when the lock happens to go.
    expect(Date.now() - asked).toBeLessThan(6_000);
    await expect(status).toHaveAttribute("aria-checked", "true");
    await expectSeen(notice);
    await page.screenshot({ path: test.info().outputPath("busy.png") });
  } finally {
    holder.stdin.end();
    await new Promise((resolve) => holder.on("exit", resolve));
  }

  await status.click();
  await expect(status).toHaveAttribute("aria-checked", "false");
  await expect(page.getByRole("status")).toHaveText("App suspended");
});
