// Waits (up to 5 minutes: the release build may still be linking) for the server's health check.
export default async function globalSetup() {
  const url = (process.env.APPWARD_E2E_URL ?? "http://127.0.0.1:3107") + "/healthz";
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the server did not answer at ${url}`);
}
