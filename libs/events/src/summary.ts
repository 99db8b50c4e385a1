/**
 * A one-line, human-readable summary of an event's payload (`viewer_two tipped 25: nice`), for
 * log lines and `castbus tail`. Works on any type by looking for the shared vocabulary (`user`,
 * `text`, `tokens`, `bits`, `subject`); never throws.
 */
export function summarizeEvent(event: { type: string; data: unknown }): string {
  const data = (typeof event.data === "object" && event.data !== null ? event.data : {}) as Record<
    string,
    unknown
  >;
  const who = username(data["user"]);
  const parts: string[] = [];
  if (who !== undefined) parts.push(who);
  const amount = amountOf(data);
  if (amount !== undefined) parts.push(amount);
  for (const key of ["text", "subject", "title", "sourceName", "inputName", "sceneName"]) {
    const value = data[key];
    if (typeof value === "string" && value !== "") {
      parts.push(truncate(value, 120));
      break;
    }
  }
  return parts.length > 0 ? parts.join(" · ") : event.type;
}

function username(user: unknown): string | undefined {
  if (typeof user !== "object" || user === null) return undefined;
  const { displayName, username: name } = user as { displayName?: unknown; username?: unknown };
  if (typeof displayName === "string" && displayName !== "") return displayName;
  return typeof name === "string" ? name : undefined;
}

function amountOf(data: Record<string, unknown>): string | undefined {
  if (typeof data["tokens"] === "number") return `${data["tokens"]} tokens`;
  if (typeof data["bits"] === "number") return `${data["bits"]} bits`;
  if (typeof data["viewers"] === "number") return `${data["viewers"]} viewers`;
  return undefined;
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
