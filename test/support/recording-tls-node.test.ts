/**
 * The stand-in recording server's SNI host check, against Jetty's rule: with
 * SNI, Host (without its port) must be a name of the certificate.
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { selfSigned } from "./certificates";
import { hostName, sniHostCheck } from "./recording-tls-node";

describe("the stand-in recording server's SNI host check", () => {
  const dir = mkdtempSync(join(tmpdir(), "genesys-sni-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const certificate = new X509Certificate(readFileSync(selfSigned(dir, "n", "t1rws1.recording.example.com").cert));

  it.each([
    ["t1rws1.recording.example.com:8443", undefined],
    ["T1RWS1.recording.example.com", undefined],
    ["recording.example.com", "Host does not match SNI"],
    ["t1rws2.recording.example.com:8443", "Host does not match SNI"],
    ["127.0.0.1:8443", "Host does not match SNI"],
    [undefined, "Host does not match SNI"],
  ])("Host %s with SNI: %s", (host, refusal) => {
    expect(sniHostCheck(certificate, "t1rws1.recording.example.com", host)).toBe(refusal);
  });

  it("checks nothing without SNI, as Jetty", () => {
    expect(sniHostCheck(certificate, false, "recording.example.com")).toBeUndefined();
  });

  it("reads the name of a Host header", () => {
    expect(["a.example.com", "A.example.com:443", "[::1]:8443"].map(hostName)).toEqual([
      "a.example.com",
      "a.example.com",
      "::1",
    ]);
  });
});
