/**
 * Apache argument quoting: unit rules, and a round trip through the real
 * httpd. Each generated value is quoted into `SetEnv`, echoed back by
 * `Header ... "%{NAME}e"`, and must come back byte for byte.
 */
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bareArgument, directiveArgument, quoteArgument, regexLiteral } from "../../../core/render/common/apache-quote";
import {
  apacheRoot,
  DEBIAN_MODULES_DIR,
  startApache,
  type ApacheInstance,
  type ApacheRoot,
} from "../../support/apache";
import { send } from "./fixtures";

describe("quoteArgument", () => {
  it.each([
    ["plain", '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["C:\\dir\\", '"C:\\\\dir\\\\"'],
    ["</Proxy> # not a section", '"</Proxy> # not a section"'],
    ["%{BALANCER_WORKER_ROUTE}e", '"%{BALANCER_WORKER_ROUTE}e"'],
  ])("quotes %j as %s", (value, quoted) => {
    expect(quoteArgument(value)).toBe(quoted);
  });

  it.each([
    "a\nProxyPass / http://evil/",
    "a\rb",
    "nul\u0000",
    "bell\u0007",
    "del\u007f",
    "${APACHE_LOG_DIR}",
    "x${y}",
  ])("rejects %j", (value) => {
    expect(() => quoteArgument(value)).toThrow(/control character|config variable/);
  });

  it("keeps tabs and a lone '$'", () => {
    expect(quoteArgument("a\tb $1 ^/x$")).toBe('"a\tb $1 ^/x$"');
  });
});

describe("directiveArgument and bareArgument", () => {
  it("writes safe words bare and anything else quoted", () => {
    expect(directiveArgument("balancer://t1-rws/api")).toBe("balancer://t1-rws/api");
    expect(directiveArgument("route=RCS_1")).toBe("route=RCS_1");
    expect(directiveArgument(10)).toBe("10");
    expect(directiveArgument("two words")).toBe('"two words"');
    expect(directiveArgument("a>b")).toBe('"a>b"');
  });

  it("refuses to leave anything but a safe word unquoted", () => {
    expect(bareArgument("!proxy_module")).toBe("!proxy_module");
    for (const value of ["a b", "a>b", '"x"', "a\nb", "${X}", "#x"])
      expect(() => bareArgument(value)).toThrow(/unquoted/);
  });
});

describe("regexLiteral", () => {
  it("matches its text literally", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary-ascii", maxLength: 20 }),
        fc.string({ unit: "binary-ascii", maxLength: 5 }),
        (text, noise) => {
          const pattern = new RegExp(`^${regexLiteral(text)}$`);
          expect(pattern.test(text)).toBe(true);
          if (noise.length > 0) expect(pattern.test(text + noise)).toBe(false);
        },
      ),
    );
  });
});

/** Printable ASCII (what an HTTP header carries back unchanged), no leading/trailing blanks, no "${". */
const headerSafe = fc
  .string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: 1,
    maxLength: 40,
  })
  .filter((s) => s.trim() === s && !s.includes("${"));

describe("quoteArgument through the real httpd", () => {
  const values = fc
    .sample(headerSafe, { numRuns: 40, seed: 20240611 })
    .concat(['"', "\\", '\\"', 'a\\\\"b', "</Location>", "# x", "%{X}e", "\\n"]);
  let root: ApacheRoot;
  let apache: ApacheInstance;

  beforeAll(async () => {
    root = await apacheRoot();
    const modules = ["mpm_event", "unixd", "authz_core", "env", "headers"]
      .map(
        (m) =>
          `<IfModule !${m}_module>\nLoadModule ${m}_module ${join(DEBIAN_MODULES_DIR, `mod_${m}.so`)}\n</IfModule>`,
      )
      .join("\n");
    const locations = values
      .map(
        (value, i) =>
          `<Location /echo/${i}>\n    Require all granted\n    SetEnv ECHO_VALUE ${quoteArgument(value)}\n    Header always set X-Echo "%{ECHO_VALUE}e"\n</Location>`,
      )
      .join("\n");
    const config = [
      `ServerRoot ${quoteArgument(root.root)}`,
      modules,
      `Listen 127.0.0.1:${root.port}`,
      "ServerName localhost",
      "User nobody",
      "Group nogroup",
      "PidFile run/httpd.pid",
      "DefaultRuntimeDir run",
      "ErrorLog logs/error_log",
      // Answers 404 for /echo/N without reading the (private) temp root; the header is set on errors too.
      "DocumentRoot /",
      locations,
    ].join("\n");
    apache = await startApache([{ path: join(root.root, "httpd.conf"), content: `${config}\n` }], root);
  });

  afterAll(async () => {
    await apache?.stop();
    root?.remove();
  });

  it("hands httpd exactly the value that was quoted", async () => {
    for (const [i, value] of values.entries()) {
      const reply = await send(apache.port, `/echo/${i}`);
      expect(reply.headers["x-echo"], `value ${JSON.stringify(value)}`).toBe(value);
    }
  });
});
