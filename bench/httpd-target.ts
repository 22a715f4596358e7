/** The rendered Apache httpd config for Web Engagement 8.5 as a data-plane benchmark target. */
import { renderHttpdSite } from "../core/render/httpd";
import { apacheRoot, startApache, testSiteOptions } from "../test/support/apache";
import type { DataPlaneTarget } from "./data-plane";

export const renderedHttpd: DataPlaneTarget = {
  name: "rendered httpd",
  minRatioToDirect: 0.3,
  async start(nodes) {
    const root = await apacheRoot();
    const files = renderHttpdSite(
      nodes.environment,
      nodes.addresses,
      testSiteOptions(root, { systems: ["webEngagement85"] }),
    );
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
