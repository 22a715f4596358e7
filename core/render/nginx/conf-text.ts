/**
 * Builds nginx config text from directives and blocks. Arguments arrive
 * already quoted or checked (quote.ts); this file only lays them out.
 */

export type Line = string;

export function directive(name: string, ...args: readonly (string | number)[]): Line {
  return `${[name, ...args.map(String)].join(" ")};`;
}

export function block(head: string, body: readonly Line[]): Line[] {
  return [`${head} {`, ...body.map((line) => (line === "" ? line : `    ${line}`)), "}"];
}

export function comment(text: string): Line {
  return `# ${text.replace(/[\r\n]+/g, " ")}`;
}

/** Sections separated by one blank line, file ending in a newline. */
export function fileText(sections: readonly (readonly Line[])[]): string {
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join("\n"))
    .join("\n\n")}\n`;
}
