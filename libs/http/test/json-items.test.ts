import { describe, expect, it } from "vitest";
import { invalidUtf8Items, jsonArrayItemTexts } from "../src/json-items.js";

describe("jsonArrayItemTexts", () => {
  it("returns each element of the keyed array exactly as sent, whatever the key order and spacing", () => {
    const body =
      '{"nextUrl": "x", "events": [ {"method":"tip","id":"1-0"} ,\n {"a":"]\\"},[","b":[1,{"c":2}]}, 7, "str", null ]}';
    expect(jsonArrayItemTexts(body, "events")).toEqual([
      '{"method":"tip","id":"1-0"}',
      '{"a":"]\\"},[","b":[1,{"c":2}]}',
      "7",
      '"str"',
      "null",
    ]);
  });

  it("ignores the key nested deeper than the top level", () => {
    expect(jsonArrayItemTexts('{"x": {"events": [1]}, "events": [2]}', "events")).toEqual(["2"]);
  });

  it("takes the last array when the key repeats, as JSON.parse does", () => {
    expect(jsonArrayItemTexts('{"events": [1], "next": "x", "events": [2, 3]}', "events")).toEqual([
      "2",
      "3",
    ]);
  });

  it("handles an empty array, a missing one, and nesting too deep for recursion", () => {
    expect(jsonArrayItemTexts('{"events": []}', "events")).toEqual([]);
    expect(jsonArrayItemTexts('{"nextUrl": null}', "events")).toBeUndefined();
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    expect(jsonArrayItemTexts(`{"events": [${deep}, 1]}`, "events")).toEqual([deep, "1"]);
  });
});

describe("invalidUtf8Items", () => {
  it("finds the elements whose bytes are not UTF-8, with their exact bytes", () => {
    const bad = Buffer.concat([
      Buffer.from('{"t":"a'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('"}'),
    ]);
    const body = Buffer.concat([
      Buffer.from('{"events": [{"t":"ü ok"}, '),
      bad,
      Buffer.from(', {"t":"\\"]"}], "nextUrl": "x"}'),
    ]);
    const invalid = invalidUtf8Items(body, "events");
    expect([...invalid.keys()]).toEqual([1]);
    expect(invalid.get(1)).toEqual(bad);
  });

  it("is empty for a valid body", () => {
    expect(invalidUtf8Items(Buffer.from('{"events": [{"t":"ü"}]}'), "events").size).toBe(0);
  });
});
