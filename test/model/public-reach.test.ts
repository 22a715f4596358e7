import { describe, expect, it } from "vitest";
import { cidrWithin, publicAddressCount, reachesWorld } from "../../core/model/public-reach";

describe("reachesWorld: a CIDR wider than a /16 of public IPv4 or a /48 of global IPv6", () => {
  it.each([
    ["0.0.0.0/0", true],
    ["0.0.0.0/1", true],
    ["128.0.0.0/1", true],
    ["128.0.0.0/2", true],
    ["::/0", true],
    ["2000::/3", true],
    ["2001:db8::/32", true],
    ["203.0.113.0/15", true],
    ["11.0.0.0/8", true],
    ["10.0.0.0/8", false],
    ["172.16.0.0/12", false],
    ["192.168.0.0/16", false],
    ["100.64.0.0/10", false],
    ["203.0.113.7/32", false],
    ["198.51.100.0/24", false],
    ["203.0.0.0/16", false],
    ["2001:db8:1234::/48", false],
    ["fc00::/7", false],
    ["fe80::/10", false],
    ["not-a-cidr", true],
    ["10.0.0.1/8", true],
  ])("%s -> %s", (cidr, world) => {
    expect(reachesWorld(cidr)).toBe(world);
  });

  it("counts public addresses, leaving out private and special space", () => {
    expect(publicAddressCount("0.0.0.0/1")).toBe(2n ** 31n - 3n * 2n ** 24n - 2n ** 22n); // 0/8, 10/8, 127/8 and 100.64/10 are not public
    expect(publicAddressCount("10.0.0.0/8")).toBe(0n);
    expect(publicAddressCount("8.8.8.8/32")).toBe(1n);
  });

  it.each([
    ["10.1.2.0/24", "10.0.0.0/8", true],
    ["10.0.0.0/8", "10.1.2.0/24", false],
    ["0.0.0.0/1", "10.0.0.0/8", false],
    ["2001:db8::/48", "2001:db8::/32", true],
    ["10.0.0.0/8", "::/0", false],
  ])("cidrWithin(%s, %s) -> %s", (inner, outer, within) => {
    expect(cidrWithin(inner, outer)).toBe(within);
  });
});
