/**
 * Benchmark results: each figure as median and min–max over its samples, the
 * target beside it with ✔/✘, rendered as one Markdown table.
 */
export interface Target {
  readonly op: "<=" | ">=";
  readonly value: number;
}

export interface Figure {
  readonly group: string;
  readonly name: string;
  readonly unit: string;
  readonly samples: readonly number[];
  readonly target?: Target;
  readonly note?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function meets(figure: Figure): boolean | undefined {
  if (!figure.target) return undefined;
  const m = median(figure.samples);
  return figure.target.op === "<=" ? m <= figure.target.value : m >= figure.target.value;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  return abs >= 1000 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function renderTable(figures: readonly Figure[]): string {
  const lines = [
    "| group | figure | median | min–max | n | target | |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
  ];
  for (const f of figures) {
    const min = Math.min(...f.samples);
    const max = Math.max(...f.samples);
    const ok = meets(f);
    const target = f.target ? `${f.target.op} ${format(f.target.value)} ${f.unit}` : "";
    const name = f.note ? `${f.name} (${f.note})` : f.name;
    lines.push(
      `| ${f.group} | ${name} | ${format(median(f.samples))} ${f.unit} | ${format(min)}–${format(max)} | ${f.samples.length} | ${target} | ${ok === undefined ? "" : ok ? "✔" : "✘"} |`,
    );
  }
  return lines.join("\n");
}
