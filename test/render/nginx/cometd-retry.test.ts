/**
 * Where nginx may resend a POST to the next node: only on Web Engagement 8.5's
 * CometD path, where a node that does not own a session refuses its messages.
 * Anywhere else (recording uploads and writes above all) a resent POST could
 * run twice.
 */
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../../core/model/load";
import { WEB_ENGAGEMENT_COMETD_PATH } from "../../../core/model/genesys-facts";
import { renderNginxSite } from "../../../core/render/nginx";
import { readStackFile } from "../../../tools/stack-file";
import { planNodeIds } from "../../support/plan-node-ids";

/** Each `location` block's argument with the directives directly inside it (rendered text is one directive per line). */
function locations(text: string): { readonly location: string; readonly lines: string[] }[] {
  const found: { location: string; lines: string[] }[] = [];
  let current: { location: string; lines: string[] } | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const open = /^location\s+(.*)\s+\{$/.exec(line);
    if (open) found.push((current = { location: open[1], lines: [] }));
    else if (line === "}") current = undefined;
    else if (current && line !== "") current.lines.push(line);
  }
  return found;
}

describe("nginx resends a POST to the next node only on the CometD path", () => {
  const env = loadEnvironment(readStackFile("prod").config).environment!;
  const addresses = Object.fromEntries(planNodeIds(env).map((n, i) => [n.id, `127.0.0.1:${22_000 + i}`]));
  const files = renderNginxSite(env, addresses);
  const all = files.map((f) => f.content).join("\n");

  it("retries the CometD endpoint and the paths under it on the next node, POST included", () => {
    const cometd = locations(all).filter((l) =>
      [`= "${WEB_ENGAGEMENT_COMETD_PATH}"`, `"${WEB_ENGAGEMENT_COMETD_PATH}/"`].includes(l.location),
    );
    expect(cometd.map((l) => l.location)).toHaveLength(2);
    for (const l of cometd)
      expect(l.lines).toContain("proxy_next_upstream error timeout http_502 http_504 non_idempotent;");
  });

  it("never says non_idempotent anywhere else, recording included", () => {
    const elsewhere = all.split("\n").filter((line) => line.includes("non_idempotent"));
    expect(elsewhere).toHaveLength(2);
    for (const file of files.filter((f) => f.path.includes("recording")))
      expect(file.content).not.toContain("non_idempotent");
  });
});
