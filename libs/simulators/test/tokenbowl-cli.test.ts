import { describe, expect, it } from "vitest";
import { UsageError } from "../src/command.js";
import { tokenbowlCommand } from "../src/tokenbowl/index.js";
import { api } from "./tokenbowl-client.js";

describe("castbus-sim tokenbowl", () => {
  it("starts with accounts and a demo backlog, announcing only generated keys", async () => {
    const chosen = "a".repeat(64);
    const running = await tokenbowlCommand.start({
      account: [`reader:${chosen}`, "guest"],
      demo: true,
      rate: "20",
      seed: "1",
    });
    try {
      const { url, accounts } = running.announcement as {
        url: string;
        accounts: { username: string; apiKey?: string }[];
      };
      expect(running.announcement).toMatchObject({ simulator: "tokenbowl" });
      expect(accounts[0]).toEqual({ username: "reader" });
      expect(accounts[1]!.apiKey).toMatch(/^[0-9a-f]{64}$/);
      const sim = { url } as Parameters<typeof api>[0];
      const first = await api(sim, "/messages", { key: chosen });
      expect(first.json.pagination.total).toBeGreaterThanOrEqual(12);
      expect(first.json.messages[0].from_username).toMatch(/_/);
      await new Promise((r) => setTimeout(r, 300));
      const later = await api(sim, "/messages", { key: chosen });
      expect(later.json.pagination.total).toBeGreaterThan(first.json.pagination.total);
    } finally {
      await running.close();
    }
  });

  it("refuses a short API key and a bad number as usage errors", async () => {
    await expect(tokenbowlCommand.start({ account: ["reader:short"] })).rejects.toThrow(UsageError);
    await expect(tokenbowlCommand.start({ rate: "fast" })).rejects.toThrow(UsageError);
    await expect(tokenbowlCommand.start({ retention: "0" })).rejects.toThrow(UsageError);
  });
});
