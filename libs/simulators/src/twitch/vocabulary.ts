/**
 * Word lists the payload generator draws from: plausible Twitch chat, emotes, rewards and
 * categories. Viewer logins come from the Chaturbate list (same style: lowercase, digits, `_`).
 */

/** Chat lines, Twitch flavoured. `{emote}` is replaced with an emote name. */
export const CHAT_LINES: readonly string[] = [
  "hi chat",
  "hello everyone",
  "GG",
  "that was insane {emote}",
  "first time here, hi",
  "what game is next?",
  "LUL that fail",
  "{emote} {emote}",
  "can you turn the music down a bit?",
  "lets goooo",
  "good morning from australia",
  "how long have you been streaming today?",
  "!discord",
  "o7",
  "clip it!",
  "thanks for the stream",
];

/** Global emotes with their real ids (`emote_set_id` 0 = global). */
export const EMOTES: readonly { readonly name: string; readonly id: string }[] = [
  { name: "Kappa", id: "25" },
  { name: "LUL", id: "425618" },
  { name: "PogChamp", id: "305954156" },
  { name: "BibleThump", id: "86" },
  { name: "SeemsGood", id: "64138" },
];

/** Resub messages (`channel.subscription.message`). */
export const RESUB_LINES: readonly string[] = [
  "Love the stream!",
  "another month, lets go",
  "",
  "been here since day one",
  "thanks for all the laughs",
];

/** Custom channel-point rewards: title, cost, prompt, whether it takes input. */
export const REWARDS: readonly {
  readonly title: string;
  readonly cost: number;
  readonly prompt: string;
  readonly input: boolean;
}[] = [
  { title: "Hydrate!", cost: 100, prompt: "Make the streamer drink water", input: false },
  { title: "Choose the next song", cost: 500, prompt: "Song name and artist", input: true },
  { title: "Highlight my message", cost: 250, prompt: "", input: true },
  { title: "Play a sound", cost: 300, prompt: "Which sound?", input: true },
  { title: "No-scope challenge", cost: 5000, prompt: "The next round is no-scope", input: false },
];

/** Stream categories (real ids). */
export const CATEGORIES: readonly { readonly id: string; readonly name: string }[] = [
  { id: "509658", name: "Just Chatting" },
  { id: "32982", name: "Grand Theft Auto V" },
  { id: "21779", name: "League of Legends" },
  { id: "33214", name: "Fortnite" },
  { id: "26936", name: "Music" },
];

/** Stream titles for `channel.update`. */
export const TITLES: readonly string[] = [
  "Best Stream Ever",
  "chill sunday | !discord",
  "ranked grind until diamond",
  "first playthrough, no spoilers!",
  "24h charity stream",
];

/** Chat name colours (the empty string is a user who never chose one). */
export const COLORS: readonly string[] = ["#00FF7F", "#1E90FF", "#FF4500", "#9ACD32", ""];

/** Content classification labels (ids). */
export const CLASSIFICATION_LABELS: readonly string[] = [
  "MatureGame",
  "ProfanityVulgarity",
  "DrugsIntoxication",
];
