/** Worker sizing: boundaries, invariants, and httpd accepting the rendered limits without adjusting them. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CapacityError,
  DEFAULT_MAX_REQUEST_WORKERS,
  LARGE_THREADS_PER_CHILD,
  MAX_SERVER_LIMIT,
  mpmEventLimits,
  recordingConnections,
} from "../../../core/render/httpd/mpm-limits";
import { renderHttpdSite } from "../../../core/render/httpd/site";
import { apacheConfigTest, apacheRoot, testSiteOptions, writeConfigFiles } from "../../support/apache";
import { environmentFrom } from "./fixtures";

describe("recordingConnections", () => {
  const tenants = (...agents: number[]) =>
    agents.map((screenRecordingAgents, i) => ({ key: `t${i}`, prefix: `/t${i}`, screenRecordingAgents, services: [] }));

  it.each([
    [[400, 150], 25, 688],
    [[0], 25, 0],
    [[1], 25, 2],
    [[4], 25, 5],
    [[100], 0, 100],
    [[100], 400, 500],
    [[3, 3], 10, 7],
  ])("agents %j with %i%% headroom need %i connections", (agents, headroom, expected) => {
    expect(recordingConnections({ tenants: tenants(...agents), connectionHeadroomPercent: headroom })).toBe(expected);
  });
});

describe("mpmEventLimits", () => {
  it("keeps httpd's defaults up to 400 connections", () => {
    for (const connections of [0, 1, 399, 400]) {
      expect(mpmEventLimits(connections)).toEqual({
        activeProcesses: 16,
        serverLimit: 32,
        threadLimit: 25,
        threadsPerChild: 25,
        maxRequestWorkers: 400,
      });
    }
  });

  it("moves to 64 threads per process just above the defaults", () => {
    expect(mpmEventLimits(DEFAULT_MAX_REQUEST_WORKERS + 1)).toEqual({
      activeProcesses: 7,
      serverLimit: 14,
      threadLimit: 64,
      threadsPerChild: 64,
      maxRequestWorkers: 448,
    });
  });

  it("adds a process exactly when the last one is full", () => {
    expect(mpmEventLimits(64 * 20).maxRequestWorkers).toBe(1280);
    expect(mpmEventLimits(64 * 20 + 1).maxRequestWorkers).toBe(1344);
  });

  it("stops at httpd's ServerLimit maximum", () => {
    const largest = (MAX_SERVER_LIMIT / 2) * LARGE_THREADS_PER_CHILD;
    expect(mpmEventLimits(largest).serverLimit).toBe(MAX_SERVER_LIMIT);
    expect(() => mpmEventLimits(largest + 1)).toThrow(CapacityError);
  });

  it("rejects negative or fractional connection counts", () => {
    expect(() => mpmEventLimits(-1)).toThrow(RangeError);
    expect(() => mpmEventLimits(1.5)).toThrow(RangeError);
  });

  it("always holds the connections within consistent limits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: (MAX_SERVER_LIMIT / 2) * LARGE_THREADS_PER_CHILD }), (connections) => {
        const l = mpmEventLimits(connections);
        expect(l.maxRequestWorkers).toBeGreaterThanOrEqual(connections);
        expect(l.maxRequestWorkers).toBeLessThanOrEqual(l.serverLimit * l.threadsPerChild);
        expect(l.maxRequestWorkers % l.threadsPerChild).toBe(0);
        expect(l.maxRequestWorkers - connections).toBeLessThan(
          Math.max(l.threadsPerChild, DEFAULT_MAX_REQUEST_WORKERS - connections + 1),
        );
        expect(l.threadsPerChild).toBeLessThanOrEqual(l.threadLimit);
        expect(l.serverLimit).toBeLessThanOrEqual(MAX_SERVER_LIMIT);
      }),
    );
  });
});

describe("rendered worker limits on the real httpd", () => {
  it.each([0, 688, 20_000])("httpd takes the limits for %i agents as written", async (agents) => {
    const env = environmentFrom({
      recording: {
        hostname: "recording.example.com",
        connectionHeadroomPercent: 0,
        tenants: { t1: { screenRecordingAgents: agents, rp: { nodes: { rp1: {} } } } },
      },
    });
    const root = await apacheRoot();
    try {
      const files = renderHttpdSite(env, { "recording/t1/rp/rp1": "127.0.0.1:8889" }, testSiteOptions(root));
      writeConfigFiles(files);
      const check = apacheConfigTest(files[0].path);
      expect(check.ok, check.output).toBe(true);
      // httpd reports every limit it had to lower or raise (AH00513 and friends).
      expect(check.output).not.toMatch(/MaxRequestWorkers|ServerLimit|ThreadsPerChild|ThreadLimit/);
      const limits = mpmEventLimits(agents);
      expect(files[0].content).toContain(`MaxRequestWorkers ${limits.maxRequestWorkers}\n`);
    } finally {
      root.remove();
    }
  });
});
