import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { shellCommand, shellQuote } from "../../../core/render/cluster/shell-quote";

/** What a POSIX shell makes of `words`: each argument printed NUL-terminated. */
function shellWords(words: string): string[] {
  const out = execFileSync("sh", ["-c", `printf '%s\\0' ${words}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

const SHELL_SPECIALS = [
  "'",
  '"',
  "\\",
  "$",
  "`",
  "\n",
  "\t",
  " ",
  "*",
  "?",
  "[",
  "~",
  "#",
  "!",
  "&",
  ";",
  "|",
  "(",
  ")",
  "{",
  "}",
  "<",
  ">",
  "=",
  "%",
  "$(id)",
  "'\\''",
];
const unit = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...SHELL_SPECIALS) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
);
const argument = fc.string({ unit, maxLength: 12 }).filter((s) => !s.includes("\0"));

describe("shellQuote", () => {
  it("round-trips any argument through sh unchanged, as exactly one word", () => {
    fc.assert(
      fc.property(fc.array(argument, { minLength: 1, maxLength: 8 }), (args) => {
        expect(shellWords(args.map(shellQuote).join(" "))).toEqual(args);
      }),
      { numRuns: 150 },
    );
  });

  it("keeps plain words readable and quotes the rest", () => {
    expect(shellQuote("ip=10.50.10.250")).toBe("ip=10.50.10.250");
    expect(shellQuote("statusurl=http://localhost/server-status")).toBe("statusurl=http://localhost/server-status");
    expect(shellQuote("10.50.10.11 ip1")).toBe("'10.50.10.11 ip1'");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it("refuses NUL, which no argv element can carry", () => {
    expect(() => shellQuote("a\0b")).toThrow(/NUL/);
  });
});

describe("shellCommand", () => {
  const bin = mkdtempSync(join(tmpdir(), "gnx-quote-"));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  // Program names that a shell would otherwise read as a keyword, an assignment or several words.
  it.each(["if", "then", "while", "a=b", "two words", "it's"])(
    "runs a program named %j with its arguments intact",
    (name) => {
      const program = join(bin, name);
      writeFileSync(program, "#!/bin/sh\nprintf '%s\\0' \"$@\"\n");
      chmodSync(program, 0o755);
      const args = ["x y", "$HOME", "'"];
      const out = execFileSync("sh", ["-c", shellCommand([name, ...args])], {
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      expect(out.split("\0").slice(0, -1)).toEqual(args);
    },
  );

  it("refuses an empty command", () => {
    expect(() => shellCommand([])).toThrow(/program name/);
  });
});
