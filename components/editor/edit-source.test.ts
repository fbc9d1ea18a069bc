import { describe, expect, it } from "vitest";
import { editHandover, editSourceFrom } from "./edit-source";

describe("the Editor's handover in the address", () => {
  it("round-trips a grid image with its task and cell", () => {
    const source = { url: "/api/media/1712345678901234/image", sourceTaskId: "1712345678901234", cell: 3 };
    const params = new URLSearchParams(editHandover(source));
    expect(params.toString()).toBe(
      "edit=%2Fapi%2Fmedia%2F1712345678901234%2Fimage&source=1712345678901234&cell=3",
    );
    expect(editSourceFrom(params.get("edit")!, params.get("source"), params.get("cell"))).toEqual(source);
  });

  it("leaves out what a single upload does not have", () => {
    expect(editHandover({ url: "https://example.com/a.png", sourceTaskId: null, cell: null })).toEqual({
      edit: "https://example.com/a.png",
    });
  });

  it.each(["javascript:alert(1)", "//evil.example/a.png", "file:///etc/passwd", "data:text/html,<b>", ""])(
    "refuses %j as an image",
    (url) => {
      expect(editSourceFrom(url, null, null)).toBeNull();
    },
  );

  it("drops a task id or cell that is not one, keeping the image", () => {
    expect(editSourceFrom("/api/media/1/image", "../../etc", "7")).toEqual({
      url: "/api/media/1/image",
      sourceTaskId: null,
      cell: null,
    });
    expect(editSourceFrom("data:image/png;base64,iVBORw0KGgo=", null, "2.5")?.cell).toBeNull();
  });
});
