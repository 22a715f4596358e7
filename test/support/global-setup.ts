/**
 * Before any test: make sure the real servers the integration tests drive are
 * installed. As root, the project's own install script installs what is
 * missing; otherwise the run fails here with the command to run, unless
 * GENESYS_SKIP_REAL_SERVERS=1 opts out of real-server tests explicitly.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

export default function setup(): void {
  if (process.env.GENESYS_SKIP_REAL_SERVERS === "1") {
    console.warn("GENESYS_SKIP_REAL_SERVERS=1: real-server tests are skipped and do not count as passing.");
    return;
  }
  const script = resolve(__dirname, "../../scripts/install-debian-packages.sh");
  execFileSync("bash", [script], { stdio: "inherit" });
}
