/**
 * `npm run bench`: every benchmark in one run, written to bench/RESULTS.md
 * (machine facts, median and min–max per figure, target with ✔/✘) and
 * bench/synth-scale.svg. Targets are loopback and namespaces the run creates.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { cometdFailoverFigures } from "./cometd-failover";
import { benchDataPlane } from "./data-plane";
import { failoverFigures, prodChainFigures } from "./failover";
import { httpdWithClientKeepAlive, renderedHttpd } from "./httpd-target";
import { renderSvg } from "./plot";
import { median, meets, renderTable, type Figure } from "./results";
import { synthScaleFigures } from "./synth-scale";

function version(command: string, args: string[], pattern: RegExp): string {
  // Some tools (nginx -v) print their version on stderr.
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) return "not installed";
  const out = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  return pattern.exec(out)?.[1] ?? out.trim().split("\n")[0];
}

function machineFacts(): string[] {
  return [
    `- CPU: ${cpus().length} × ${cpus()[0]?.model ?? "unknown"}; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node.js ${process.version}; Apache ${version("/usr/sbin/apache2", ["-v"], /Apache\/(\S+)/)}; nginx ${version("/usr/sbin/nginx", ["-v"], /nginx\/(\S+)/)}; corosync ${version("/usr/sbin/corosync", ["-v"], /version '([^']+)'/)}; pacemaker ${version("/usr/sbin/pacemakerd", ["--version"], /Pacemaker (\S+)/)}; wrk ${version("/usr/bin/wrk", ["-v"], /wrk (\S+)/)}`,
    `- Load average at start: ${execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).split(" ").slice(0, 3).join(" ")}`,
  ];
}

async function section(name: string, run: () => Promise<Figure[]>, log: string[]): Promise<Figure[]> {
  const started = Date.now();
  console.log(`== ${name}`);
  try {
    const figures = await run();
    log.push(`- ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(renderTable(figures));
    return figures;
  } catch (error) {
    log.push(`- ${name}: FAILED — ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    console.error(error);
    return [];
  }
}

/**
 * `npm run bench -- cometd`: only the parts whose names contain one of the
 * arguments, printed and not written (RESULTS.md always holds a whole run).
 */
async function onlyParts(wanted: readonly string[]): Promise<number> {
  const parts: [string, () => Promise<Figure[]>][] = [
    ["data plane (wrk)", () => benchDataPlane({ extraTargets: [renderedHttpd, httpdWithClientKeepAlive] })],
    ["CometD failover", () => cometdFailoverFigures({ log: (l) => console.log(`  ${l}`) })],
    ["synth scale", () => synthScaleFigures()],
    [
      "HA pair failover (Pacemaker/Corosync)",
      () => failoverFigures({ transports: ["udpu"], log: (l) => console.log(`  ${l}`) }),
    ],
    ["HA pair production chain (awsvip, fence_aws)", () => prodChainFigures({ log: (l) => console.log(`  ${l}`) })],
  ];
  const chosen = parts.filter(([name]) => wanted.some((w) => name.toLowerCase().includes(w.toLowerCase())));
  if (chosen.length === 0)
    throw new Error(`no benchmark part matches ${wanted.join(", ")}; parts: ${parts.map(([n]) => n).join(", ")}`);
  console.log(machineFacts().join("\n"));
  const timings: string[] = [];
  const figures: Figure[] = [];
  for (const [name, run] of chosen) figures.push(...(await section(name, run, timings)));
  console.log(`\n${renderTable(figures)}\n${timings.join("\n")}`);
  return figures.some((f) => meets(f) === false) ? 1 : 0;
}

async function main(): Promise<number> {
  if (process.argv.length > 2) return onlyParts(process.argv.slice(2));
  const started = Date.now();
  const facts = machineFacts();
  const timings: string[] = [];
  const figures: Figure[] = [];
  figures.push(
    ...(await section(
      "data plane (wrk)",
      () => benchDataPlane({ extraTargets: [renderedHttpd, httpdWithClientKeepAlive] }),
      timings,
    )),
  );
  figures.push(
    ...(await section("CometD failover", () => cometdFailoverFigures({ log: (l) => console.log(`  ${l}`) }), timings)),
  );
  const scale = await section("synth scale", () => synthScaleFigures(), timings);
  figures.push(...scale);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot)
    figures.push(
      ...(await section(
        "HA pair failover (Pacemaker/Corosync)",
        () => failoverFigures({ transports: ["udpu"], log: (l) => console.log(`  ${l}`) }),
        timings,
      )),
      ...(await section(
        "HA pair production chain (awsvip, fence_aws)",
        () => prodChainFigures({ log: (l) => console.log(`  ${l}`) }),
        timings,
      )),
    );
  else timings.push("- HA pair failover: not run (needs root for network namespaces)");

  const failed = figures.filter((f) => meets(f) === false);
  const lines = [
    "# Benchmark results",
    "",
    "Generated by `npm run bench`. Each figure is the median of its samples with the min–max range; ratios are",
    "computed pair by pair within one run (same round, same machine state).",
    "",
    "## Machine",
    "",
    ...facts,
    "",
    "## Figures",
    "",
    renderTable(figures),
    "",
    `${figures.filter((f) => f.target).length - failed.length} of ${figures.filter((f) => f.target).length} targets met.`,
    "",
    "## Run",
    "",
    ...timings,
    `- total: ${((Date.now() - started) / 1000).toFixed(0)} s`,
    "",
    "![synth time and memory against tenant count](synth-scale.svg)",
    "",
  ];
  writeFileSync(join(__dirname, "RESULTS.md"), lines.join("\n"));
  const byTenants = (metric: string) =>
    scale
      .filter((f) => f.name.startsWith("synth ") && !f.name.includes("--traces") && f.name.endsWith(metric))
      .map((f) => ({ x: Number(/(\d+) tenants/.exec(f.name)?.[1] ?? Number.NaN), y: median(f.samples) }))
      .filter((p) => Number.isFinite(p.x))
      .sort((a, b) => a.x - b.x);
  writeFileSync(
    join(__dirname, "synth-scale.svg"),
    renderSvg("Offline synth against recording tenant count (5 services each)", "tenants", [
      { label: "wall time", unit: "s", points: byTenants("wall time") },
      { label: "peak memory", unit: "MiB", points: byTenants("peak memory") },
    ]),
  );
  console.log(`wrote ${join(__dirname, "RESULTS.md")}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
