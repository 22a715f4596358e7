/** Shared pieces of the httpd renderer tests: environments from inline stack config, and an HTTP client. */
import { request, type IncomingHttpHeaders } from "node:http";
import { resolveEnvironment, type Environment } from "../../../core/model/environment";
import { loadEnvironment, namespaceValues } from "../../../core/model/load";
import { formatProblem } from "../../../core/model/problems";
import { RULES } from "../../../core/model/rules";
import { stackConfigSchema } from "../../../core/model/schema";
import { planNodeIds } from "../../support/plan-node-ids";

const BASE = {
  environment: "development",
  region: "eu-west-1",
  network: { vpcCidr: "10.40.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
  site: { domain: "example.com" },
};

/** Stack config map (the `genesys:` keys), as Pulumi hands it to the program. */
export function rawConfig(sections: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ ...BASE, ...sections }).map(([k, v]) => [
      `genesys:${k}`,
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  );
}

export function environmentFrom(sections: Record<string, unknown>): Environment {
  const result = loadEnvironment(rawConfig(sections));
  if (!result.environment) throw new Error(result.problems.map(formatProblem).join("\n"));
  return result.environment;
}

/**
 * The model of a config that only an ALB cannot balance: schema and rules
 * checked, the balancing plans' ALB limits not (the loader refuses those for
 * the stack), as an operator's own httpd balancer would be given it.
 */
export function modelBeyondAlb(sections: Record<string, unknown>): Environment {
  const values = namespaceValues(rawConfig(sections));
  const config = stackConfigSchema.parse(values);
  const problems = RULES.flatMap((rule) => rule(config));
  if (problems.length > 0) throw new Error(problems.map(formatProblem).join("\n"));
  return resolveEnvironment(config);
}

export interface Reply {
  readonly status: number;
  readonly node: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly setCookies: readonly string[];
  readonly body: string;
}

export interface SendOptions {
  readonly host?: string;
  readonly cookie?: string;
  /** Source address, e.g. 127.0.0.2 (any loopback address works on Linux). */
  readonly localAddress?: string;
}

export function send(port: number, path: string, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.host) headers.Host = options.host;
    if (options.cookie) headers.Cookie = options.cookie;
    const req = request(
      { host: "127.0.0.1", port, path, headers, agent: false, localAddress: options.localAddress },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          const node = res.headers["x-node"];
          resolve({
            status: res.statusCode ?? 0,
            node: typeof node === "string" ? node : undefined,
            headers: res.headers,
            setCookies: res.headers["set-cookie"] ?? [],
            body,
          });
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer for ${path} within 10 s`)));
    req.once("error", reject);
    req.end();
  });
}

/** Sends `count` requests one after another and counts answers per node ("error" for non-2xx). */
export async function tally(
  count: number,
  port: number,
  path: string,
  options: SendOptions = {},
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const reply = await send(port, path, options);
    const key = reply.status >= 200 && reply.status < 300 ? (reply.node ?? "no-node") : `error-${reply.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** `name=value` of the named cookie among Set-Cookie headers, with its attributes. */
export function setCookie(reply: Reply, name: string): { value: string; attributes: string } | undefined {
  for (const header of reply.setCookies) {
    const [pair, ...attributes] = header.split(";");
    const eq = pair.indexOf("=");
    if (pair.slice(0, eq).trim() === name)
      return { value: pair.slice(eq + 1).trim(), attributes: attributes.join(";").trim() };
  }
  return undefined;
}

/** Every balanced node of an environment (by plan node id) at a distinct loopback port (for renders that are only checked). */
export function allNodeAddresses(env: Environment, firstPort = 20000): Record<string, string> {
  return Object.fromEntries(planNodeIds(env).map((n, i) => [n.id, `127.0.0.1:${firstPort + i}`]));
}

/** The directive or section name that starts each non-blank, non-comment line of httpd config text. */
export function sectionNames(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#") && !line.startsWith("</"))
    .map((line) => /^<?([A-Za-z]+)/.exec(line)?.[1] ?? line);
}
