import { describe, expect, it } from "vitest";
import { OrderedAcks } from "../src/index.js";

describe("OrderedAcks", () => {
  it("releases a cursor only once every publish started before it has settled", () => {
    const acks = new OrderedAcks<string>();
    const a = acks.start();
    const b = acks.start();
    expect(acks.mark("after-b")).toBeUndefined();
    const c = acks.start();
    expect(acks.mark("after-c")).toBeUndefined();
    expect(acks.settle(b)).toBeUndefined(); // a still open
    expect(acks.settle(a)).toBe("after-b");
    expect(acks.outstanding).toBe(1);
    expect(acks.settle(c)).toBe("after-c");
    expect(acks.outstanding).toBe(0);
  });

  it("releases the newest cursor when several become safe at once", () => {
    const acks = new OrderedAcks<number>();
    const first = acks.start();
    acks.mark(1);
    acks.mark(2);
    expect(acks.settle(first)).toBe(2);
  });

  it("releases a mark with nothing in flight at once", () => {
    expect(new OrderedAcks<string>().mark("empty")).toBe("empty");
  });
});
