/**
 * Word lists the generator draws from. Plain, plausible values in the styles seen on the testbed:
 * lowercase usernames with digits and underscores, short chat lines, `#tag` room subjects.
 */

/** Viewer usernames. */
export const VIEWER_NAMES: readonly string[] = [
  "nightowl_42",
  "tokenking",
  "jazzhands77",
  "quiet_viewer",
  "coffee_lover",
  "vikingtom",
  "pixel_pete",
  "sunny_days88",
  "mr_bean_fan",
  "guitarguy_21",
  "lurker_9000",
  "bluebird_7",
  "ski_bum",
  "late_shift_larry",
  "moonwalker",
  "chess_nerd",
  "pizza_paul",
  "rainy_rob",
  "tk_421",
  "maple_syrup",
  "berlin_boy",
  "madrid_mike",
  "lyon_luc",
  "tokyo_ken",
  "seoul_min",
  "kiwi_jack",
  "old_sport",
  "happy_hank",
  "dave_1985",
  "marco_polo_2",
  "viewer_one",
  "viewer_two",
  "gamer_gabe",
  "spacecadet",
  "the_real_tim",
  "bookworm_bo",
  "fancyfeet",
  "northern_ned",
  "surfer_sam",
  "zz_top_fan",
];

/** Public chat lines from viewers. */
export const CHAT_LINES: readonly string[] = [
  "hi!",
  "hello everyone",
  "how are you today?",
  "love the music",
  "where are you from?",
  "great show",
  "lol",
  ":)",
  "brb",
  "what is the goal today?",
  "hey from germany",
  "good morning from australia",
  "you look great",
  "what song is this?",
  "first time here, hi",
  "so close to the goal!",
  "haha",
  "👋",
  "thanks for streaming",
  "back again :D",
];

/** Private messages a viewer sends to the broadcaster. */
export const PM_FROM_VIEWER: readonly string[] = [
  "hey, quick question",
  "thanks for the show",
  "are you online tomorrow?",
  "hello",
  "can I request a song?",
  "you made my day",
];

/** Private messages the broadcaster sends to a viewer. */
export const PM_FROM_BROADCASTER: readonly string[] = [
  "thank you!",
  "yes, same time tomorrow",
  "hi hun :)",
  "sure, which one?",
  "glad you liked it",
];

/** Tip notes (the wire adds the `"| "` prefix). */
export const TIP_NOTES: readonly string[] = [
  "hi",
  "nice",
  "for the goal",
  "great music",
  "have a good one",
  "song request please",
  "you deserve it",
];

/** Common tip amounts, small ones most likely. */
export const TIP_AMOUNTS: Readonly<Record<string, number>> = {
  "1": 10,
  "5": 12,
  "10": 14,
  "15": 6,
  "20": 8,
  "25": 10,
  "35": 4,
  "50": 8,
  "69": 3,
  "100": 7,
  "111": 2,
  "200": 3,
  "333": 1,
  "500": 2,
  "1000": 1,
};

/** Room subjects. */
export const SUBJECTS: readonly string[] = [
  "Welcome",
  "Welcome! Goal: 500 tokens #new #chill",
  "Chatting and music, say hi #talk #music",
  "Sunday stream, goal at 1000 tokens #relax",
  "Q&A night, ask me anything #qa",
  "Back from holiday! #travel #chat",
];

/** Media names by media type. */
export const MEDIA_NAMES: Readonly<Record<"photos" | "video", readonly string[]>> = {
  photos: ["photoset1", "Beach day", "Studio shoot", "Autumn walk"],
  video: ["Behind the scenes", "Q&A video", "Birthday stream highlights"],
};

/** Text colours seen on chat messages (`""` on the testbed, `#494949` in the official docs). */
export const MESSAGE_COLORS: readonly string[] = ["", "", "", "#494949", "#dc5500", "#0a5ea1"];

/** Chat fonts. */
export const MESSAGE_FONTS: readonly string[] = [
  "default",
  "default",
  "default",
  "arial",
  "georgia",
];

/** Viewer languages, weighted towards English as on the live site. */
export const LANGUAGES: Readonly<Record<string, number>> = {
  en: 70,
  de: 6,
  es: 7,
  fr: 4,
  it: 3,
  ja: 2,
  ko: 1,
  pl: 2,
  pt: 3,
  ru: 1,
  zh: 1,
};
