import { describe, expect, it } from "vitest";
import { JsonBody, pageBody } from "./json-body";

const text = (body: JsonBody) => Buffer.from(body.bytes).toString("utf8");

describe("pageBody", () => {
  it("is the page's JSON, whatever the items and the cursor hold", () => {
    const page = {
      items: [
        { id: "1", prompt: 'a "quoted" 猫 \\ prompt', n: null },
        { id: "2", list: [1, 2] },
      ],
      nextCursor: 'c"ursor',
    };
    expect(JSON.parse(text(pageBody(page)))).toEqual(page);
    expect(text(pageBody(page))).toBe(JSON.stringify(page));
    expect(text(pageBody({ items: [], nextCursor: null }))).toBe('{"items":[],"nextCursor":null}');
  });

  it("keeps each item's JSON with the item: a new item object is serialized afresh", () => {
    const first = { id: "1", status: "IN_PROGRESS" };
    expect(JSON.parse(text(pageBody({ items: [first], nextCursor: null }))).items).toEqual([first]);
    // The store hands out a new object when a row changes; the new one is what the page shows.
    const changed = { id: "1", status: "SUCCESS" };
    expect(JSON.parse(text(pageBody({ items: [changed], nextCursor: null }))).items).toEqual([changed]);
    expect(JSON.parse(text(pageBody({ items: [first, changed], nextCursor: "n" })))).toEqual({
      items: [first, changed],
      nextCursor: "n",
    });
  });
});
