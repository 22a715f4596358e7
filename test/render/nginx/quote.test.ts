/**
 * nginx quoting, checked against the real nginx: any string is either
 * rejected or comes back byte for byte from a `return` (variable-expanding)
 * and from a geo value (literal), so no text can end a directive, open a
 * block, start a comment or expand a variable.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { block, directive, fileText } from "../../../core/render/nginx/conf-text";
import {
  bareWord,
  DOLLAR_DECLARATION,
  nginxLiteral,
  nginxScriptParts,
  regexLiteral,
} from "../../../core/render/nginx/quote";
import { startNginx } from "../../support/nginx";
import { fetchVia } from "./http";

const hostileUnit = fc.constantFrom(
  '"',
  "'",
  "\\",
  "$",
  "{",
  "}",
  ";",
  "#",
  " ",
  "~",
  "^",
  "(",
  ")",
  "*",
  "1",
  "a",
  "é",
  "😀",
  "${x}",
  "$1",
  "\\n",
  '\\"',
  "\t",
  "\n",
  "\r",
  "\u0000",
  "\u007f",
);
const hostileString = fc.oneof(
  fc.string({ unit: hostileUnit, maxLength: 24 }),
  fc.string({ unit: "binary", maxLength: 24 }),
);

const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

function echoSite(strings: readonly string[], prefix: string, port: number) {
  const content = fileText([
    [directive("pid", `${prefix}/nginx.pid`), directive("error_log", `${prefix}/error.log`, "warn")],
    block("events", [directive("worker_connections", 64)]),
    block("http", [
      directive("access_log", "off"),
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) =>
        directive(`${t}_temp_path`, `${prefix}/${t}_temp`),
      ),
      DOLLAR_DECLARATION,
      ...strings.flatMap((s, i) => block(`geo $literal_${i}`, [directive("default", nginxLiteral(s))])),
      ...block("server", [
        directive("listen", `127.0.0.1:${port}`),
        ...strings.flatMap((s, i) => [
          ...block(`location = /script/${i}`, [directive("return", 200, nginxScriptParts([s]))]),
          ...block(`location = /literal/${i}`, [directive("return", 200, `$literal_${i}`)]),
        ]),
      ]),
    ]),
  ]);
  return [{ path: "nginx.conf", content }];
}

describe("nginx quoting", () => {
  it("rejects control characters and returns everything else unchanged through nginx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileString, { minLength: 8, maxLength: 8 }), async (strings) => {
        for (const s of strings.filter(hasControl)) {
          expect(() => nginxLiteral(s)).toThrow(/control character/);
          expect(() => nginxScriptParts([s])).toThrow(/control character/);
        }
        const accepted = strings.filter((s) => !hasControl(s));
        const nginx = await startNginx(({ prefix, port }) => echoSite(accepted, prefix, port));
        try {
          for (const [i, s] of accepted.entries()) {
            for (const kind of ["script", "literal"]) {
              const reply = await fetchVia(nginx.port, `/${kind}/${i}`);
              expect(reply.status).toBe(200);
              expect(
                Buffer.from(reply.body, "utf8").equals(Buffer.from(s, "utf8")),
                `${kind} ${JSON.stringify(s)}`,
              ).toBe(true);
            }
          }
        } finally {
          await nginx.stop();
        }
      }),
      { numRuns: 6 },
    );
  });

  it("splices variables and captures between literal parts", () => {
    expect(nginxScriptParts(["ROUTEID=.", { variable: "1" }, "; Path=/t1"])).toBe('"ROUTEID=.$1; Path=/t1"');
    expect(nginxScriptParts(["a$", { variable: "host" }])).toBe('"a${genesys_dollar}${host}"');
    expect(() => nginxScriptParts([{ variable: "x}; evil" }])).toThrow(/not an nginx variable name/);
  });

  it.each(["a;b", "a{", "}", "a b", "$x", "#c", "a\nb", '"', "", "x'"])("refuses %j as an unquoted word", (word) => {
    expect(() => bareWord(word)).toThrow(/cannot be an unquoted nginx word/);
  });

  it("escapes text so a regex matches exactly that text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 30 }),
        fc.string({ unit: "binary", maxLength: 30 }),
        (text, other) => {
          const exact = new RegExp(`^${regexLiteral(text)}$`, "s");
          expect(exact.test(text)).toBe(true);
          expect(exact.test(other)).toBe(other === text);
        },
      ),
      { numRuns: 500 },
    );
  });
});
