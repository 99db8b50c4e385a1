import { z } from "zod";

/**
 * The shared person vocabulary: every event that involves a person carries `user` with at least
 * `username`. Sources add their own extras beside these fields (see each source's schema).
 */
export const userSchema = z.looseObject({
  /** Stable upstream id where the source has one (Twitch user id); absent on Chaturbate. */
  id: z.string().min(1).optional(),
  /** Login name, unique per source. */
  username: z.string().min(1),
  /** Name as displayed, where it differs from the login. */
  displayName: z.string().optional(),
  /**
   * What the person is in the room, where the source says: `broadcaster`, `moderator`, `vip`,
   * `subscriber`, `founder`, `fanclub`, `staff`, `bot`, ... (lowercase; filters such as
   * `fromRoles()` and `notBot()` read it).
   */
  roles: z.array(z.string()).optional(),
});

/** A person in the shared vocabulary. */
export type User = z.infer<typeof userSchema>;
