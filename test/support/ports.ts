/** Free loopback ports, asked of the kernel (bind to port 0), never guessed. */
import { createServer } from "node:net";

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const ports = new Set<number>();
  for (let guard = 0; ports.size < count && guard < count * 20; guard++) ports.add(await freePort(host));
  if (ports.size < count) throw new Error(`could not find ${count} free ports on ${host}`);
  return [...ports];
}

/** Polls `probe` until it resolves true, at most `timeoutMs`; bounded, never infinite. */
export async function waitFor(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
