/**
 * The program's warnings, as synth prints them: grouped by rule with a count
 * and a few examples, without the SDK's "warning: [runtime]" prefix. Without
 * an engine the SDK writes each pulumi.log.warn to console.warn; synth
 * collects those lines while the program runs.
 */
import { CONFIG_NAMESPACE } from "../core/model/problems";

const RUNTIME_PREFIX = "warning: [runtime] ";

export interface WarningGroup {
  /** What the rule says, without the key path and value of any one case. */
  readonly rule: string;
  /** Key path (and value) of each case, in the order they came. */
  readonly cases: readonly string[];
}

/** Collects the SDK's warnings until `stop()`; other console.warn output passes through. */
export function collectRuntimeWarnings(): { stop(): string[] } {
  const original = console.warn;
  const lines: string[] = [];
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    if (text.startsWith(RUNTIME_PREFIX)) lines.push(text.slice(RUNTIME_PREFIX.length));
    else original(...args);
  };
  return {
    stop() {
      console.warn = original;
      return lines;
    },
  };
}

/** Where a JSON value written by describeValue ends: the first space outside a string, or its "..." cut. */
function valueEnd(text: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === " ") return i;
    if (i === 79 && text.slice(77, 80) === "..." && text[80] === " ") return 80;
  }
  return -1;
}

/** Splits `genesys:<path>: <value> <message>` (or `genesys:<path> <message>`) into case and rule. */
export function splitWarning(line: string): { readonly where: string; readonly rule: string } {
  const match = new RegExp(`^(${CONFIG_NAMESPACE}:[^\\s:]+)(: | )([\\s\\S]*)$`).exec(line);
  if (!match) return { where: "", rule: line };
  const [, path, separator, rest] = match;
  if (separator === " ") return { where: path, rule: rest };
  const end = valueEnd(rest);
  if (end < 0) return { where: path, rule: rest };
  return { where: `${path}: ${rest.slice(0, end)}`, rule: rest.slice(end + 1) };
}

export function groupWarnings(lines: readonly string[]): WarningGroup[] {
  const groups = new Map<string, string[]>();
  for (const line of lines) {
    const { where, rule } = splitWarning(line);
    const cases = groups.get(rule) ?? [];
    cases.push(where);
    groups.set(rule, cases);
  }
  return [...groups.entries()].map(([rule, cases]) => ({ rule, cases }));
}

/** Summary lines: one per rule, then up to `examples` cases under it. */
export function formatWarningGroups(groups: readonly WarningGroup[], examples = 3): string[] {
  if (groups.length === 0) return [];
  const total = groups.reduce((n, g) => n + g.cases.length, 0);
  const lines = ["", `Warnings (${total}${groups.length > 1 ? `, ${groups.length} rules` : ""}):`];
  for (const group of groups) {
    const shown = group.cases.filter((c) => c !== "");
    if (shown.length === 0) {
      lines.push(`  - ${group.rule}${group.cases.length > 1 ? ` (${group.cases.length} times)` : ""}`);
      continue;
    }
    if (shown.length === 1) {
      lines.push(`  - ${shown[0]} ${group.rule}`);
      continue;
    }
    lines.push(`  - ${group.rule} (${shown.length} keys):`);
    for (const where of shown.slice(0, examples)) lines.push(`      ${where}`);
    if (shown.length > examples) lines.push(`      … and ${shown.length - examples} more`);
  }
  return lines;
}
