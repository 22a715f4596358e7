import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidrsOverlap, formatCidr, formatIpv4, parseCidr, parseIpv4, subnetOf } from "../../core/model/network-math";
import { planSubnets } from "../../core/model/subnet-plan";

describe("IPv4 and CIDR arithmetic", () => {
  it("round-trips every address", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        expect(parseIpv4(formatIpv4(n))).toBe(n);
      }),
    );
  });

  it.each(["10.0.0.0/33", "10.0.0.1/16", "256.0.0.0/8", "10.0.0/16", "01.2.3.4/32", "10.0.0.0"])(
    "rejects %s",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );

  it("detects overlap and disjointness", () => {
    expect(cidrsOverlap(parseCidr("10.60.0.0/16")!, parseCidr("10.60.128.0/17")!)).toBe(true);
    expect(cidrsOverlap(parseCidr("10.60.0.0/16")!, parseCidr("10.61.0.0/16")!)).toBe(false);
  });

  it("refuses a block index outside the parent", () => {
    expect(() => subnetOf(parseCidr("10.0.0.0/16")!, 20, 16)).toThrow(/index 16 is out of range/);
  });
});

describe("subnet plan", () => {
  it("gives each zone a fixed public and private /20 of a /16", () => {
    expect(planSubnets("10.50.0.0/16", ["eu-west-1a", "eu-west-1b"])).toEqual([
      { availabilityZone: "eu-west-1a", publicCidr: "10.50.0.0/20", privateCidr: "10.50.128.0/20" },
      { availabilityZone: "eu-west-1b", publicCidr: "10.50.16.0/20", privateCidr: "10.50.144.0/20" },
    ]);
  });

  it("never renumbers existing zones when one is added, and never overlaps", () => {
    const two = planSubnets("10.0.0.0/20", ["a", "b"]);
    const six = planSubnets("10.0.0.0/20", ["a", "b", "c", "d", "e", "f"]);
    expect(six.slice(0, 2)).toEqual(two);
    const blocks = six.flatMap((z) => [z.publicCidr, z.privateCidr]).map((c) => parseCidr(c)!);
    for (let i = 0; i < blocks.length; i++)
      for (let j = i + 1; j < blocks.length; j++) expect(cidrsOverlap(blocks[i], blocks[j])).toBe(false);
    expect(formatCidr(blocks[0])).toBe("10.0.0.0/24");
  });
});
