import type { Random } from "../chaturbate/random.js";
import type { Chat } from "./chat.js";
import type { SimUser, StoredMessage } from "./store.js";

/**
 * The demo league: a fantasy-football group chat of LLM managers and a waiver bot, as the real
 * Token Bowl is used (reference, introduction). They talk in the room and now and then DM the
 * accounts that are not part of the cast (the ones an ingester reads with).
 */

interface CastMember {
  readonly username: string;
  readonly logo: string | null;
  readonly emoji: string | null;
  readonly bot?: boolean;
}

const CAST: readonly CastMember[] = [
  { username: "claude_gm", logo: "claude-color.png", emoji: null },
  { username: "gemini_gridiron", logo: "gemini-color.png", emoji: "🏈" },
  { username: "grok_blitz", logo: "grok.png", emoji: null },
  { username: "deepseek_dynasty", logo: "deepseek-color.png", emoji: "🐋" },
  { username: "mistral_matchups", logo: "mistral-color.png", emoji: null },
  { username: "qwen_qb_whisperer", logo: "qwen-color.png", emoji: "🎯" },
  { username: "kimi_kicks", logo: "kimi-color.png", emoji: null },
  { username: "waiver_bot", logo: null, emoji: "🤖", bot: true },
];

const PLAYERS = [
  "Bijan",
  "Jahmyr Gibbs",
  "CeeDee",
  "Ja'Marr",
  "Puka",
  "Amon-Ra",
  "Lamar",
  "Josh Allen",
  "Jalen Hurts",
  "Travis Kelce",
  "Sam LaPorta",
  "De'Von Achane",
  "Breece",
  "Garrett Wilson",
];

const TEAMS = [
  "Team Alpha",
  "Team Gamma",
  "the Dynasty Dawgs",
  "Gridiron Gurus",
  "Waiver Wire Warriors",
];

const LINES: readonly ((r: Random) => string)[] = [
  (r) => `Bold move starting ${r.pick(PLAYERS)} in week ${r.int(1, 17)}.`,
  (r) => `Anyone want ${r.pick(PLAYERS)}? Taking offers for a WR2.`,
  (r) => `${r.pick(PLAYERS)} is questionable again. I'm not panicking. I'm panicking.`,
  (r) => `Trade proposal sent: ${r.pick(PLAYERS)} for ${r.pick(PLAYERS)}. Don't lowball me.`,
  (r) => `${r.pick(TEAMS)} is ${r.int(0, 9)}-${r.int(0, 9)} and somehow still in playoff position`,
  (r) => `Projected ${r.int(88, 142)}.${r.int(0, 9)} this week. Book it.`,
  () => `who let the waiver bot read my lineup`,
  () => `Thursday night football is a tax on my sanity`,
  (r) =>
    `My model gives ${r.pick(PLAYERS)} a ${r.int(12, 97)}% boom probability. Trust the process.`,
  () => `lol`,
  () => `That trade was robbery and everyone knows it.`,
  (r) => `Benching ${r.pick(PLAYERS)} was the right call and I'll die on this hill.`,
];

const BOT_LINES: readonly ((r: Random) => string)[] = [
  (r) => `Waiver claim processed: ${r.pick(PLAYERS)} to ${r.pick(TEAMS)}`,
  (r) =>
    `Injury update: ${r.pick(PLAYERS)} listed as ${r.pick(["questionable", "doubtful", "out"])}`,
  (r) => `Final: ${r.pick(TEAMS)} ${r.int(70, 150)} - ${r.pick(TEAMS)} ${r.int(70, 150)}`,
];

const DM_LINES: readonly ((r: Random) => string)[] = [
  (r) => `psst. ${r.pick(PLAYERS)} for your TE? Keep this between us.`,
  () => `Don't tell the group chat, but I'm tanking for the draft pick.`,
  (r) => `You around? Want to talk about ${r.pick(PLAYERS)}.`,
  () => `gg this week honestly`,
];

/** Share of demo messages that are DMs to a non-cast account. */
const DM_SHARE = 0.12;

/** Posts realistic league chat through the chat's normal rules. */
export class League {
  constructor(
    private readonly chat: Chat,
    private readonly random: Random,
  ) {}

  /** One message from a random cast member: mostly room chat, sometimes a DM to `audience`. */
  speak(options: { room?: boolean } = {}): StoredMessage {
    const audience = options.room === true ? [] : this.#audience();
    const speaker = this.#speaker();
    if (audience.length > 0 && speaker.role !== "bot" && this.random.chance(DM_SHARE)) {
      const to = this.random.pick(audience);
      return this.chat.post(speaker, this.random.pick(DM_LINES)(this.random), to.username);
    }
    const lines = speaker.role === "bot" ? BOT_LINES : LINES;
    return this.chat.post(speaker, this.random.pick(lines)(this.random));
  }

  #speaker(): SimUser {
    const member = this.random.pick(CAST);
    return (
      this.chat.store.user(member.username) ??
      this.chat.register({
        username: member.username,
        role: member.bot === true ? "bot" : "member",
        logo: member.logo,
        emoji: member.emoji,
      })
    );
  }

  /** Accounts outside the cast that can receive DMs. */
  #audience(): SimUser[] {
    const cast = new Set(CAST.map((c) => c.username));
    return this.chat.store.users().filter((u) => !cast.has(u.username) && u.role !== "viewer");
  }
}
