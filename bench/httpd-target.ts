/** The rendered Apache httpd config for Web Engagement 8.5 as a data-plane benchmark target. */
import { renderHttpdSite } from "../core/render/httpd";
import { apacheRoot, startApache, testSiteOptions } from "../test/support/apache";
import type { DataPlaneTarget } from "./data-plane";
import { byPlanId } from "../test/support/plan-node-ids";

const CLIENT_KEEPALIVE_OFF = /^(\s*)KeepAlive Off$/m;

/**
 * The rendered GWE 8.5 site, or (`clientKeepAlive`) the same site with client
 * keep-alive turned back on. The rendered GWE host has `KeepAlive Off`, so that
 * httpd answers 502 instead of closing a client connection without a response
 * when a member dies mid-request; the price is a new client connection per
 * request. Measuring both in one run shows that price apart from httpd's
 * proxying, which must still reach 0.30 of direct.
 */
function httpdTarget(clientKeepAlive: boolean): DataPlaneTarget {
  return {
    name: clientKeepAlive ? "httpd, rendered but client keep-alive on" : "rendered httpd",
    minRatioToDirect: clientKeepAlive ? 0.3 : 0.15,
    async start(nodes) {
      const root = await apacheRoot();
      const rendered = renderHttpdSite(
        nodes.environment,
        byPlanId(nodes.environment, nodes.addresses),
        testSiteOptions(root, { systems: ["webEngagement85"] }),
      );
      const files = clientKeepAlive
        ? rendered.map((f) => {
            if (!CLIENT_KEEPALIVE_OFF.test(f.content)) return f;
            return { ...f, content: f.content.replace(CLIENT_KEEPALIVE_OFF, "$1KeepAlive On") };
          })
        : rendered;
      if (clientKeepAlive && files.every((f, i) => f === rendered[i]))
        throw new Error("the rendered GWE 8.5 site no longer has `KeepAlive Off`; this comparison is stale");
      const instance = await startApache(files, root);
      return {
        port: instance.port,
        async stop() {
          await instance.stop();
          root.remove();
        },
      };
    },
  };
}

export const renderedHttpd = httpdTarget(false);
export const httpdWithClientKeepAlive = httpdTarget(true);
