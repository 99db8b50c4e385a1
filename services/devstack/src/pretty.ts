/** ANSI colours, used only when stdout is a terminal. */
const COLORS = ["\x1b[36m", "\x1b[35m", "\x1b[33m", "\x1b[32m", "\x1b[34m", "\x1b[91m"];
const RESET = "\x1b[0m";
const DIM = "\x1b[2m";
const LEVEL_COLORS: Record<string, string> = {
  warn: "\x1b[33m",
  error: "\x1b[31m",
  fatal: "\x1b[41m",
};
const HIDDEN = new Set(["level", "time", "service", "msg", "pid", "hostname"]);

/** Turns one pino JSON line into a short readable one; other lines pass through. */
export function prettyLine(line: string, color: boolean): string {
  if (!line.startsWith("{")) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry["time"] === "string" ? entry["time"].slice(11, 19) : "";
  const level = String(entry["level"] ?? "info");
  const levelText = level === "info" ? "" : `${level.toUpperCase()} `;
  const msg = String(entry["msg"] ?? "");
  const fields = entry["msg"] === "event" ? eventFields(entry) : otherFields(entry);
  const levelColored =
    color && LEVEL_COLORS[level] !== undefined
      ? `${LEVEL_COLORS[level]}${levelText}${RESET}`
      : levelText;
  const timeText = color ? `${DIM}${time}${RESET}` : time;
  return `${timeText} ${levelColored}${msg}${fields === "" ? "" : ` ${fields}`}`;
}

function eventFields(entry: Record<string, unknown>): string {
  const type = String(entry["type"]);
  const summary = String(entry["summary"] ?? "");
  return summary === "" || summary === type ? type : `${type} ${summary}`;
}

function otherFields(entry: Record<string, unknown>): string {
  return Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(
      ([key, value]) =>
        `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
    )
    .join(" ")
    .slice(0, 300);
}

/** `[name]` padded and coloured by position. */
export function prefix(name: string, index: number, width: number, color: boolean): string {
  const label = `[${name}]`.padEnd(width + 2);
  return color ? `${COLORS[index % COLORS.length]}${label}${RESET}` : label;
}
