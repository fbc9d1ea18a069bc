import { describe, expect, it } from "vitest";
import { describeButton } from "@/lib/mj/buttons";
import { makeTask } from "@/lib/testing/tasks";
import {
  buttonShortcut,
  buttonsForImage,
  NO_ZOOM,
  sheetHeightDuringDrag,
  sheetOpenAfterDrag,
  shortcutOf,
  successorOf,
  viewCount,
  viewFromSearch,
  viewHref,
  viewIndex,
  zoomAbout,
} from "./viewer-state";

const JOB = "3b6ad4c4-7a5e-4c9e-9f3a-8f1e2d3c4b5a";
const button = (customId: string) => describeButton({ customId, label: "", emoji: "" });

describe("the viewer's address", () => {
  it("reads a task id and an image 1-4, ignoring nonsense", () => {
    expect(viewFromSearch(new URLSearchParams("view=17234&image=3"))).toEqual({ id: "17234", image: 3 });
    expect(viewFromSearch(new URLSearchParams("view=17234&image=9"))).toEqual({ id: "17234", image: null });
    expect(viewFromSearch(new URLSearchParams("view=17234&image=x"))).toEqual({ id: "17234", image: null });
    expect(viewFromSearch(new URLSearchParams("view=a%2Fb"))).toBeNull();
    expect(viewFromSearch(new URLSearchParams("q=owl"))).toBeNull();
  });

  it("adds and removes its parameters, keeping the page's own", () => {
    const open = viewHref("http://x/gallery?q=owl&sort=old", { id: "42", image: 2 });
    expect(open).toBe("/gallery?q=owl&sort=old&view=42&image=2");
    expect(viewHref(`http://x${open}`, { id: "43", image: null })).toBe("/gallery?q=owl&sort=old&view=43");
    expect(viewHref(`http://x${open}`, null)).toBe("/gallery?q=owl&sort=old");
  });
});

describe("the pictures of a job", () => {
  const grid = makeTask({
    status: "SUCCESS",
    action: "IMAGINE",
    imageUrl: "/api/media/1/image?v=a",
    buttons: [1, 2].flatMap((n) => [
      { customId: `MJ::JOB::upsample::${n}::${JOB}`, label: `U${n}` },
      { customId: `MJ::JOB::variation::${n}::${JOB}`, label: `V${n}` },
    ]),
  });
  const single = makeTask({ status: "SUCCESS", action: "UPSCALE", imageUrl: "/api/media/2/image?v=a" });

  it("steps through a grid's four images, an upscale's one", () => {
    expect(viewCount(grid)).toBe(4);
    expect(viewIndex(grid, null)).toBe(1);
    expect(viewIndex(grid, 9)).toBe(4);
    expect(viewCount(single)).toBe(1);
    expect(viewIndex(single, 3)).toBeNull();
  });

  it("keeps beside image n only its own buttons and the job's", () => {
    const labels = buttonsForImage(grid, 2).buttons.map((b) => b.label);
    expect(labels).toEqual(["U2", "V2"]);
    expect(buttonsForImage(grid, null).buttons).toHaveLength(4);
  });
});

describe("single-key shortcuts", () => {
  it("spells keys as aria-keyshortcuts does, leaving modified keys to the browser", () => {
    const key = (k: string, mods: Partial<KeyboardEvent> = {}) =>
      shortcutOf({ key: k, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...mods });
    expect(key("u")).toBe("U");
    expect(key("V", { shiftKey: true })).toBe("Shift+V");
    expect(key("ArrowLeft")).toBe("ArrowLeft");
    expect(key("?", { shiftKey: true })).toBe("?");
    expect(key("c", { ctrlKey: true })).toBeNull();
    expect(key("Tab")).toBeNull();
  });

  it("gives U and V to the image on view of a grid, R to the job", () => {
    expect(buttonShortcut(button(`MJ::JOB::upsample::2::${JOB}`), 2)).toBe("U");
    expect(buttonShortcut(button(`MJ::JOB::upsample::3::${JOB}`), 2)).toBeUndefined();
    expect(buttonShortcut(button(`MJ::JOB::variation::2::${JOB}`), 2)).toBe("V");
    expect(buttonShortcut(button(`MJ::JOB::reroll::0::${JOB}::SOLO`), 2)).toBe("R");
  });

  it("on an upscaled image: U upscales subtly, V varies strongly, Shift+V subtly", () => {
    expect(buttonShortcut(button(`MJ::JOB::upsample_v7_2x_subtle::1::${JOB}::SOLO`), null)).toBe("U");
    expect(buttonShortcut(button(`MJ::JOB::upsample_v7_2x_creative::1::${JOB}::SOLO`), null)).toBeUndefined();
    expect(buttonShortcut(button(`MJ::JOB::high_variation::1::${JOB}::SOLO`), null)).toBe("V");
    expect(buttonShortcut(button(`MJ::JOB::low_variation::1::${JOB}::SOLO`), null)).toBe("Shift+V");
  });
});

describe("zoom", () => {
  it("keeps the point under the fingers and stays within 1-5", () => {
    const zoomed = zoomAbout(NO_ZOOM, 2, 100, 50);
    expect(zoomed).toEqual({ scale: 2, x: -100, y: -50 });
    // The content point under (100, 50) is still there: (100 - x) / scale = 100.
    expect((100 - zoomed.x) / zoomed.scale).toBe(100);
    expect(zoomAbout(zoomed, 10, 0, 0).scale).toBe(5);
    expect(zoomAbout(zoomed, 0.1, 0, 0)).toEqual(NO_ZOOM);
  });
});

describe("moving on from a job that leaves the list", () => {
  const list = [{ id: "a" }, { id: "b" }, { id: "c" }];

  it("goes to the next job, or to the previous one from the last", () => {
    expect(successorOf(list, "a")?.id).toBe("b");
    expect(successorOf(list, "b")?.id).toBe("c");
    expect(successorOf(list, "c")?.id).toBe("b");
  });

  it("has nowhere to go when the job was the only one, or not in the list", () => {
    expect(successorOf([{ id: "a" }], "a")).toBeNull();
    expect(successorOf(list, "lineage-only")).toBeNull();
    expect(successorOf([], "a")).toBeNull();
  });
});

describe("the phone's bottom sheet under a finger", () => {
  it("opens on a drag up and folds on a drag down, far enough either way", () => {
    expect(sheetOpenAfterDrag(false, -120)).toBe(true);
    expect(sheetOpenAfterDrag(true, 120)).toBe(false);
    expect(sheetOpenAfterDrag(true, -120)).toBe(true);
    expect(sheetOpenAfterDrag(false, 120)).toBe(false);
  });

  it("stays as it was after a nudge", () => {
    expect(sheetOpenAfterDrag(false, -10)).toBe(false);
    expect(sheetOpenAfterDrag(true, 10)).toBe(true);
  });

  it("follows the finger between folded and open", () => {
    expect(sheetHeightDuringDrag(80, -100, 80, 500)).toBe(180);
    expect(sheetHeightDuringDrag(80, -1000, 80, 500)).toBe(500);
    expect(sheetHeightDuringDrag(300, 1000, 80, 500)).toBe(80);
  });
});
