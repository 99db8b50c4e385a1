import type { Io, Output } from "./io.js";

/** Text colouring; every function is the identity when colours are off. */
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string) => text;

/** Colours only on a terminal, never with `--json`, and never when `NO_COLOR` is set. */
export function styleFor(io: Io, json: boolean): Style {
  const noColor = io.env["NO_COLOR"] !== undefined && io.env["NO_COLOR"] !== "";
  const on = io.stdout.isTTY === true && !json && !noColor;
  return {
    bold: on ? ansi(1) : plain,
    dim: on ? ansi(2) : plain,
    red: on ? ansi(31) : plain,
    green: on ? ansi(32) : plain,
    yellow: on ? ansi(33) : plain,
    cyan: on ? ansi(36) : plain,
  };
}

/** Writes one JSON document (pretty) followed by a newline. */
export function writeJson(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Column alignment for {@link table}. */
export type Align = "left" | "right";

/** A plain-text table: a bold header row, columns padded to their widest cell. */
export function table(
  style: Style,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const widths = headers.map((header, i) =>
    Math.max(visibleLength(header), ...rows.map((row) => visibleLength(row[i] ?? ""))),
  );
  const line = (cells: readonly string[], head: boolean) =>
    cells
      .map((cell, i) => {
        const pad = " ".repeat(Math.max(0, widths[i]! - visibleLength(cell)));
        const text = head ? style.bold(cell) : cell;
        if (i === cells.length - 1 && align[i] !== "right") return text;
        return align[i] === "right" ? pad + text : text + pad;
      })
      .join("  ");
  return [line(headers, true), ...rows.map((row) => line(row, false))].join("\n") + "\n";
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, "").length;
}

/** `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** `1 dead letter`, `3 dead letters` (counts with thousands separators). */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? "" : "s"}`;
}

/** `2048` → `2.0 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Local time `2025-11-23 16:01:02`; `-` when there is none. */
export function formatTime(date: Date | undefined): string {
  if (date === undefined || Number.isNaN(date.getTime())) return "-";
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`
  );
}

/** `90_000` → `1m30s`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), "d"],
    [Math.floor((s % 86_400) / 3600), "h"],
    [Math.floor((s % 3600) / 60), "m"],
    [s % 60, "s"],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join("");
}

/** Cuts `text` to one line of at most `max` characters. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A progress line on stderr, redrawn in place; silent when stderr is not a terminal. */
export interface Progress {
  tick(): void;
  done(): void;
}

/** Starts a {@link Progress} for `total` items labelled `label`. */
export function progress(io: Io, label: string, total: number): Progress {
  if (io.stderr.isTTY !== true || total < 2)
    return { tick: () => undefined, done: () => undefined };
  let count = 0;
  let drawn = 0;
  const draw = () => {
    drawn = Date.now();
    io.stderr.write(`\r\u001b[K${label} ${count}/${total}`);
  };
  draw();
  return {
    tick: () => {
      count += 1;
      if (Date.now() - drawn >= 100 || count === total) draw();
    },
    done: () => void io.stderr.write("\r\u001b[K"),
  };
}
