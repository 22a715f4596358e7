/**
 * The Bayeux stand-in node is as strict as a GWE node's CometD server towards
 * sessions it does not know, and sets GWROUTEID the way the tests assume.
 * Raw Bayeux messages over HTTP, no balancer in between.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COOKIES, stickyValue } from "../../core/model/genesys-facts";
import {
  COMETD_PATH,
  startBayeuxNode,
  UNKNOWN_CLIENT_CONNECT,
  UNKNOWN_CLIENT_PUBLISH,
  type BayeuxNode,
} from "./bayeux-node";
import { freePort } from "./ports";

interface Answer {
  readonly status: number;
  readonly setCookie: readonly string[];
  readonly body: string;
}

function post(port: number, messages: unknown[], cookie?: string, method = "POST"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = method === "POST" ? JSON.stringify(messages) : "";
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (cookie) headers.Cookie = cookie;
    const req = request({ host: "127.0.0.1", port, path: COMETD_PATH, method, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, setCookie: res.headers["set-cookie"] ?? [], body: text }),
      );
    });
    req.setTimeout(5_000, () => req.destroy(new Error("no answer within 5 s")));
    req.once("error", reject);
    req.end(body);
  });
}

const handshake = { channel: "/meta/handshake", version: "1.0", supportedConnectionTypes: ["long-polling"], id: "1" };

describe("the Bayeux stand-in node", () => {
  let node: BayeuxNode;
  const cookie = `${COOKIES.webEngagement85}=${stickyValue("GWE_Node_7")}`;

  beforeAll(async () => {
    node = await startBayeuxNode({ name: "GWE_Node_7", port: await freePort(), longPollSeconds: 1 });
  });

  afterAll(async () => {
    await node?.kill();
  });

  it("hands out a session and sets GWROUTEID to '.' + its name", async () => {
    const answer = await post(node.port, [handshake]);
    expect(answer.status).toBe(200);
    expect(answer.setCookie.map((c) => c.split(";")[0])).toEqual([cookie]);
    const [reply] = JSON.parse(answer.body) as { successful: boolean; clientId: string; ext: { node: string } }[];
    expect(reply).toMatchObject({ successful: true, ext: { node: "GWE_Node_7" } });
    expect(node.handshakes.map((h) => h.clientId)).toContain(reply.clientId);
  });

  it("accepts a publish from its own session and refuses one from an unknown session with 402", async () => {
    const [{ clientId }] = JSON.parse((await post(node.port, [handshake], cookie)).body) as { clientId: string }[];
    const own = JSON.parse(
      (await post(node.port, [{ channel: "/gwe/chat", clientId, data: { seq: 1 }, id: "2" }], cookie)).body,
    ) as { successful: boolean }[];
    expect(own[0].successful).toBe(true);
    const stranger = JSON.parse(
      (await post(node.port, [{ channel: "/gwe/chat", clientId: "not-from-here", data: { seq: 2 }, id: "3" }], cookie))
        .body,
    ) as { successful: boolean; error: string }[];
    expect(stranger[0]).toMatchObject({ successful: false, error: UNKNOWN_CLIENT_PUBLISH });
    expect(node.publishes.map((p) => p.data)).toEqual([{ seq: 1 }]);
  });

  it("answers a poll of an unknown session with 401 and advice to handshake at once", async () => {
    const [reply] = JSON.parse(
      (
        await post(
          node.port,
          [{ channel: "/meta/connect", clientId: "not-from-here", connectionType: "long-polling", id: "4" }],
          cookie,
        )
      ).body,
    ) as {
      successful: boolean;
      error: string;
      advice: Record<string, unknown>;
    }[];
    expect(reply).toMatchObject({
      successful: false,
      error: UNKNOWN_CLIENT_CONNECT,
      advice: { reconnect: "handshake", interval: 0 },
    });
  });

  it("sets no cookie on a refusal", async () => {
    const answer = await post(node.port, [], undefined, "GET");
    expect(answer.status).toBe(400);
    expect(answer.setCookie).toEqual([]);
  });
});
