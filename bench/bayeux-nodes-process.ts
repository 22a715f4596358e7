/**
 * Bayeux stand-in nodes in a process of their own, driven over IPC, so that
 * the CometD client under measurement does not share an event loop with the
 * servers it talks to (a GWE node is another host). Started with fork() by
 * startNodeProcess; every node is killed when the parent says stop or goes.
 */
import { fork, type ChildProcess } from "node:child_process";
import { startBayeuxNode, type BayeuxNode } from "../test/support/bayeux-node";

type Command =
  | { cmd: "start"; nodes: { name: string; port: number; longPollSeconds: number }[] }
  | { cmd: "kill"; name: string }
  | { cmd: "stats" }
  | { cmd: "stop" };
type Request = Command & { id: number };

export interface NodeStats {
  readonly name: string;
  readonly handshakes: { readonly clientId: string; readonly at: number }[];
  /** `data.seq` of every publish the node accepted. */
  readonly accepted: number[];
}

export interface NodeProcess {
  /** Kills one node (a node death) and returns when, by this machine's clock. */
  kill(name: string): Promise<number>;
  stats(): Promise<NodeStats[]>;
  stop(): Promise<void>;
}

export async function startNodeProcess(
  nodes: readonly { name: string; port: number; longPollSeconds: number }[],
): Promise<NodeProcess> {
  const child: ChildProcess = fork(__filename, ["--serve"], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let next = 0;
  const waiting = new Map<number, (reply: unknown) => void>();
  child.on("message", (reply: { id: number; value: unknown }) => waiting.get(reply.id)?.(reply.value));
  const call = <T>(request: Command, timeoutMs = 15_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(
        () => reject(new Error(`node process: no answer to ${request.cmd} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiting.set(id, (value) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(value as T);
      });
      child.send({ ...request, id });
    });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await call({ cmd: "stop" }, 5_000).catch(() => child.kill("SIGKILL"));
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  try {
    await call({ cmd: "start", nodes: [...nodes] });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    kill: (name) => call<number>({ cmd: "kill", name }),
    stats: () => call<NodeStats[]>({ cmd: "stats" }),
    stop,
  };
}

async function serve(): Promise<void> {
  const nodes = new Map<string, BayeuxNode>();
  // The nodes go with the parent: no stand-in outlives the bench.
  process.on("disconnect", () => {
    void Promise.all([...nodes.values()].map((n) => n.kill())).then(() => process.exit(0));
  });
  process.on("message", async (request: Request) => {
    const reply = (value: unknown) => process.send?.({ id: request.id, value });
    switch (request.cmd) {
      case "start":
        for (const n of request.nodes) nodes.set(n.name, await startBayeuxNode(n));
        return reply(true);
      case "kill": {
        const at = Date.now();
        await nodes.get(request.name)?.kill();
        return reply(at);
      }
      case "stats":
        return reply(
          [...nodes.values()].map((n) => ({
            name: n.name,
            handshakes: n.handshakes,
            accepted: n.publishes
              .map((p) => (p.data as { seq?: number } | undefined)?.seq)
              .filter((s): s is number => typeof s === "number"),
          })),
        );
      case "stop":
        await Promise.all([...nodes.values()].map((n) => n.kill()));
        reply(true);
        process.disconnect();
        return;
    }
  });
}

if (process.argv.includes("--serve")) void serve();
