/**
 * Stub Web Engagement 8.5 nodes for the httpd suites: each sets GWROUTEID to
 * "." + its application name unless the request already carries it, as the
 * GWE servers do.
 */
import { COOKIES, stickyValue } from "../../../core/model/genesys-facts";
import { freePorts } from "../../support/ports";
import { parseCookies, startStubNode, type StubNode } from "../../support/stub-node";

export const GWE_NODES = ["GWE_Node_1", "GWE_Node_2", "GWE_Node_3"] as const;

/** A directory of the GWE web application, which the node redirects to its slash form. */
export const GWE_DIRECTORY = "/server/resources";

export async function startGweNodes(names: readonly string[]): Promise<StubNode[]> {
  const ports = await freePorts(names.length);
  return Promise.all(
    names.map((name, i) =>
      startStubNode({
        name,
        port: ports[i],
        directories: [GWE_DIRECTORY],
        setCookies: (req) =>
          parseCookies(req.headers.cookie)[COOKIES.webEngagement85] === stickyValue(name)
            ? []
            : [`${COOKIES.webEngagement85}=${stickyValue(name)}; Path=/`],
      }),
    ),
  );
}
