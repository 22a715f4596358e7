/**
 * How offline synth scales with recording tenants (5 services each): wall time
 * and peak memory of the real program for 1, 50 and 500 tenants, each sample
 * in its own process, and the same resources registered by a flat program
 * without components (bench/synth-driver.ts), as a ratio.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { autoName, checkInputs } from "../tools/aws-rules";
import type { Figure } from "./results";

const exec = promisify(execFile);
const ROOT = resolve(__dirname, "..");
const GROUP = "synth scale";

export interface SynthSample {
  /** The program as synth runs it, the flat baseline, or the program with the SDK's per-promise stack traces off. */
  readonly mode: "components" | "flat" | "lean";
  readonly tenants: number;
  readonly resources: number;
  /** Time from starting the program to every resource registered and every output resolved, ms. */
  readonly synthMs: number;
  /** CPU time (user + system) over the same span, ms: what other load on the machine disturbs least. */
  readonly synthCpuMs: number;
  /** Spawn to exit of the process, ms (module loading included). */
  readonly wallMs: number;
  readonly maxRssMiB: number;
}

export interface SynthScaleRow {
  readonly tenants: number;
  readonly resources: number;
  readonly components: readonly SynthSample[];
  readonly flat: readonly SynthSample[];
  readonly lean: readonly SynthSample[];
  /** CPU time of the strict mocks' own work (auto-names and AWS input rules) over the run's resources, ms per sample. */
  readonly rulesCpuMs: readonly number[];
}

/** What the strict mocks add per run: auto-naming and the AWS rules table over every registered resource, CPU ms. */
function rulesCpuMs(manifestPath: string): number {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
  }[];
  const ledger = new Map<string, string>();
  const before = process.cpuUsage();
  for (const entry of manifest) {
    // The manifest's inputs already hold the auto-names; naming from empty inputs counts the hashing again.
    autoName(entry.type, entry.name, {}, `${entry.type}::${entry.name}`);
    checkInputs(entry.type, entry.name, entry.inputs, ledger, { region: "eu-west-1", partition: "aws" });
  }
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / 1000;
}

export interface SynthScaleOptions {
  /** @default [1, 50, 500] */
  readonly tenants?: readonly number[];
  /** Samples per tenant count and mode. @default 3 */
  readonly samples?: number;
  /** Samples for the largest tenant count, whose flat baseline alone takes minutes and GiBs. @default 1 */
  readonly largestSamples?: number;
  /** Per-process limit, ms. @default 600000 */
  readonly timeoutMs?: number;
}

async function sample(
  mode: SynthSample["mode"],
  tenants: number,
  manifest: string,
  timeoutMs: number,
): Promise<SynthSample> {
  const started = process.hrtime.bigint();
  const args = mode === "lean" ? ["components", String(tenants), manifest, "lean"] : [mode, String(tenants), manifest];
  const { stdout } = await exec(process.execPath, ["--import", "tsx", join(ROOT, "bench/synth-driver.ts"), ...args], {
    cwd: ROOT,
    timeout: timeoutMs,
    maxBuffer: 16 * 2 ** 20,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const line = stdout.trim().split("\n").pop() ?? "";
  return { ...(JSON.parse(line) as Omit<SynthSample, "wallMs">), mode, wallMs };
}

/** Components, flat and lean in turn per sample, so all three see the same machine state. */
export async function synthScaleRows(options: SynthScaleOptions = {}): Promise<SynthScaleRow[]> {
  const counts = options.tenants ?? [1, 50, 500];
  const largest = Math.max(...counts);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const dir = mkdtempSync(join(tmpdir(), "genesys-synth-scale-"));
  try {
    const rows: SynthScaleRow[] = [];
    for (const tenants of counts) {
      const manifest = join(dir, `manifest-${tenants}.json`);
      const components: SynthSample[] = [];
      const flat: SynthSample[] = [];
      const lean: SynthSample[] = [];
      const rules: number[] = [];
      const samples = tenants === largest ? (options.largestSamples ?? 1) : (options.samples ?? 3);
      for (let i = 0; i < samples; i++) {
        components.push(await sample("components", tenants, manifest, timeoutMs));
        rules.push(rulesCpuMs(manifest));
        flat.push(await sample("flat", tenants, manifest, timeoutMs));
        lean.push(await sample("lean", tenants, manifest, timeoutMs));
      }
      if ([...flat, ...lean].some((f) => f.resources !== components[0].resources))
        throw new Error(`a baseline registered a different number of resources for ${tenants} tenants`);
      rows.push({ tenants, resources: components[0].resources, components, flat, lean, rulesCpuMs: rules });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LARGEST_TARGETS = { wallSeconds: 10, memoryMiB: 1024 };
const RATIO_TARGET = 1.15;
/** Marginal time per tenant over the largest step against the step before it; 1 is linear. */
const LINEARITY_TARGET = 1.25;

/** The rows as benchmark figures: wall time and peak memory per tenant count, the flat ratio, and linearity. */
export async function synthScaleFigures(options: SynthScaleOptions = {}): Promise<Figure[]> {
  const rows = await synthScaleRows(options);
  const largest = Math.max(...rows.map((r) => r.tenants));
  const figures: Figure[] = [];
  for (const row of rows) {
    const isLargest = row.tenants === largest;
    const note = `${row.resources} resources`;
    figures.push(
      // `npm run synth` runs lean (source maps and SDK stack traces off); the targets apply to it.
      {
        group: GROUP,
        name: `synth ${row.tenants} tenants wall time`,
        unit: "s",
        samples: row.lean.map((s) => s.wallMs / 1000),
        note,
        target: isLargest ? { op: "<=", value: LARGEST_TARGETS.wallSeconds } : undefined,
      },
      {
        group: GROUP,
        name: `synth ${row.tenants} tenants peak memory`,
        unit: "MiB",
        samples: row.lean.map((s) => s.maxRssMiB),
        target: isLargest ? { op: "<=", value: LARGEST_TARGETS.memoryMiB } : undefined,
      },
      {
        group: GROUP,
        name: `synth --traces ${row.tenants} tenants wall time`,
        unit: "s",
        samples: row.components.map((s) => s.wallMs / 1000),
        note: "SDK stack traces kept",
      },
      {
        group: GROUP,
        name: `synth --traces ${row.tenants} tenants peak memory`,
        unit: "MiB",
        samples: row.components.map((s) => s.maxRssMiB),
      },
      {
        group: GROUP,
        name: `strict mocks' checks (auto-names, AWS input rules) ${row.tenants} tenants CPU time`,
        unit: "ms",
        samples: row.rulesCpuMs,
        note: "included in the synth times above",
      },
      {
        group: GROUP,
        name: `flat program ${row.tenants} tenants wall time`,
        unit: "s",
        samples: row.flat.map((s) => s.wallMs / 1000),
      },
      {
        group: GROUP,
        name: `flat program ${row.tenants} tenants peak memory`,
        unit: "MiB",
        samples: row.flat.map((s) => s.maxRssMiB),
      },
      {
        group: GROUP,
        name: `components / flat registration CPU time, ${row.tenants} tenants`,
        unit: "×",
        samples: row.components.map((c, i) => c.synthCpuMs / row.flat[i].synthCpuMs),
        target: isLargest ? { op: "<=", value: RATIO_TARGET } : undefined,
      },
    );
  }
  const sorted = [...rows].sort((a, b) => a.tenants - b.tenants);
  if (sorted.length >= 3) {
    const [a, b, c] = sorted.slice(-3);
    const perTenant = (from: SynthScaleRow, to: SynthScaleRow, i: number) =>
      (to.components[i].synthCpuMs - from.components[i].synthCpuMs) / (to.tenants - from.tenants);
    figures.push({
      group: GROUP,
      name: `registration CPU time per added tenant, ${b.tenants}→${c.tenants} over ${a.tenants}→${b.tenants}`,
      unit: "×",
      samples: Array.from(
        { length: Math.min(a.components.length, b.components.length, c.components.length) },
        (_, i) => perTenant(b, c, i) / perTenant(a, b, i),
      ),
      target: { op: "<=", value: LINEARITY_TARGET },
    });
  }
  return figures;
}
