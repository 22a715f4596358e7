/**
 * Every server that runs a rendered Web Engagement 8.5 config, started on
 * loopback in front of given nodes. Adding a server version is one entry in
 * GWE85_BALANCERS. Each can also run its non-sticky control: the same rendered
 * config with only the stickiness taken out, which the CometD tests must fail.
 */
import type { Environment } from "../../core/model/environment";
import { loadEnvironment } from "../../core/model/load";
import { renderHttpdSite } from "../../core/render/httpd";
import { renderNginxSite } from "../../core/render/nginx";
import type { ConfigFile } from "../../core/render/common/config-file";
import { releaseAtLeast } from "../../core/render/httpd/modules";
import { apacheRoot, httpdsUnderTest, startApache, testSiteOptions } from "./apache";
import type { HttpdUnderTest } from "./httpd-source";
import { startNginx } from "./nginx";
import { byPlanId } from "./plan-node-ids";

export interface RunningBalancer {
  readonly port: number;
  stop(): Promise<void>;
}

export interface Gwe85Balancer {
  readonly name: string;
  /** Set when this server cannot run here: suites register an explicit skip naming the reason. */
  readonly skipReason?: string;
  /** Starts the rendered config; `sticky: false` starts the control with stickiness removed. */
  start(
    env: Environment,
    addresses: Readonly<Record<string, string>>,
    options: { readonly sticky: boolean },
  ): Promise<RunningBalancer>;
}

/** Removes the lines `drop` selects from one rendered file, insisting that exactly `expected` go. */
function withoutLines<F extends { readonly path: string; readonly content: string }>(
  files: readonly F[],
  fileEnd: string,
  drop: RegExp,
  expected: number,
): F[] {
  return files.map((file) => {
    if (!file.path.endsWith(fileEnd)) return file;
    const lines = file.content.split("\n");
    const kept = lines.filter((line) => !drop.test(line));
    if (lines.length - kept.length !== expected) {
      throw new Error(
        `the non-sticky control expected to remove ${expected} line(s) matching ${drop} from ${file.path}, found ${lines.length - kept.length}`,
      );
    }
    return { ...file, content: kept.join("\n") };
  });
}

/** A rendered config on one httpd: 2.4.37 (RHEL 8, WebSockets through ws:// twin balancers) or Debian's. */
function renderedHttpd(target: HttpdUnderTest): Gwe85Balancer {
  return {
    name: `Apache ${target.label}`,
    skipReason: target.skipReason,
    async start(env, addresses, { sticky }) {
      const server = await target.server();
      const root = await apacheRoot();
      let files: ConfigFile[] = renderHttpdSite(
        env,
        byPlanId(env, addresses),
        testSiteOptions(root, { systems: ["webEngagement85"] }, server),
      );
      // Without stickysession, mod_proxy_balancer spreads every request by its lbmethod; before
      // 2.4.47 the WebSocket twin balancer carries the same stickiness and loses it too.
      const stickyLines = releaseAtLeast(server.release, "2.4.47") ? 1 : 2;
      if (!sticky) files = withoutLines(files, "web_engagement_85.conf", /^\s*ProxySet stickysession=/, stickyLines);
      try {
        const apache = await startApache(files, root, { server });
        return {
          port: apache.port,
          async stop() {
            await apache.stop();
            root.remove();
          },
        };
      } catch (error) {
        root.remove();
        throw error;
      }
    },
  };
}

export const RENDERED_NGINX: Gwe85Balancer = {
  name: "nginx (Debian)",
  start: (env, addresses, { sticky }) =>
    startNginx(({ prefix, port }) => {
      const files = renderNginxSite(env, byPlanId(env, addresses), { prefix, listen: { address: "127.0.0.1", port } });
      // Without the cookie's map entries every request takes the map's default, the round-robin cluster.
      return sticky
        ? files
        : withoutLines(
            files,
            "web-engagement-85.conf",
            /^\s*"~[^"]*"\s+gwe85\.\S+;$/,
            env.webEngagement85!.nodes.length,
          );
    }),
};

/** The servers every GWE 8.5 CometD test runs against. */
export const GWE85_BALANCERS: readonly Gwe85Balancer[] = [...httpdsUnderTest().map(renderedHttpd), RENDERED_NGINX];

export const GWE85_HOST = "gwe.example.com";

/** A development environment with Web Engagement 8.5 only, loaded through the real model. */
export function gwe85Environment(nodeKeys: readonly string[], webSockets = true): Environment {
  const config: Record<string, unknown> = {
    environment: "development",
    region: "eu-west-1",
    network: { vpcCidr: "10.40.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
    site: { domain: "example.com" },
    hardening: { deletionProtection: false, accessLogs: false },
    webEngagement85: { hostname: GWE85_HOST, webSockets, nodes: Object.fromEntries(nodeKeys.map((k) => [k, {}])) },
  };
  const result = loadEnvironment(
    Object.fromEntries(
      Object.entries(config).map(([k, v]) => [`genesys:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  );
  if (!result.environment) throw new Error(`GWE 8.5 test config rejected: ${JSON.stringify(result.problems)}`);
  return result.environment;
}
