/**
 * What the httpd HA pair's provisioning leaves on one host, read back from the
 * mocked program's remote commands the way the host gets it: each stage step's
 * script runs under /bin/sh with its standard input (real base64 and sed), in a
 * temporary folder instead of the host's state folder, with a `sudo` that only
 * drops `-n`. Files the member step writes (corosync.conf) are decoded from its
 * script; secrets are returned as staged, for the caller to set aside.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { SERVER_ROOT } from "../../components/httpd-ha-pair/site-files";
import { STATE_DIR } from "../../components/httpd-ha-pair/host-scripts";
import type { MockRun } from "../../tools/mock-run";

const COMMAND = "command:remote:Command";

function reveal(value: unknown): unknown {
  const secret =
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
  return secret ? (value as { value: unknown }).value : value;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Absolute host path -> text of every file provisioning writes on `host` (a
 * pair node key) for the pair named `pairName`: the httpd site where the config
 * step swaps it in (under the server root), the files staged outside the server
 * root (TLS certificate and key) and the cluster's files.
 */
export function stagedHostFiles(run: MockRun, host: string, pairName = "recording-pair"): Map<string, string> {
  const prefix = `${pairName}-provisioning-${host}-`;
  const commands = run.resources.filter((r) => r.type === COMMAND && r.name.startsWith(prefix));
  if (commands.length === 0) throw new Error(`no provisioning commands for host ${host} of ${pairName}`);
  const dir = mkdtempSync(join(tmpdir(), "genesys-staged-"));
  try {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "sudo"), '#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n');
    chmodSync(join(bin, "sudo"), 0o755);
    const state = join(dir, "state");
    const files = new Map<string, string>();
    for (const command of commands) {
      const create = String(reveal(command.inputs.create));
      if (command.name.startsWith(`${prefix}stage-`)) {
        const result = spawnSync("/bin/sh", ["-c", create.replaceAll(STATE_DIR, state)], {
          input: String(reveal(command.inputs.stdin) ?? ""),
          encoding: "utf8",
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
          timeout: 20_000,
        });
        if (result.status !== 0) throw new Error(`${command.name} failed: ${result.stderr}`);
      } else if (command.name === `${prefix}member`) {
        // The cluster's files: printf '%s' <base64> | base64 -d > <path>.genesys-tmp (the path quoted when it needs it).
        const quote = "(?:'\\\\'')?";
        const written = new RegExp(
          `printf '\\\\''%s'\\\\'' ([A-Za-z0-9+/=]+) \\| base64 -d > ${quote}([^'\\s]+)\\.genesys-tmp`,
          "g",
        );
        for (const [, encoded, path] of create.matchAll(written))
          files.set(path, Buffer.from(encoded, "base64").toString("utf8"));
        // The shared secret: (umask 077; base64 -d > <path>.genesys-tmp), read from standard input.
        const secret = new RegExp(`\\(umask 077; base64 -d > ${quote}([^'\\s)]+)\\.genesys-tmp`).exec(create);
        if (secret) files.set(secret[1], Buffer.from(String(reveal(command.inputs.stdin)), "base64").toString("utf8"));
      }
    }
    const stage = join(state, "stage");
    for (const path of filesUnder(stage))
      files.set(`${SERVER_ROOT}/${relative(stage, path)}`, readFileSync(path, "utf8"));
    const outside = join(state, "outside");
    for (const path of filesUnder(outside)) files.set(`/${relative(outside, path)}`, readFileSync(path, "utf8"));
    return files;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
