import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { ENGLISH_BUTTON_NAMES, type ButtonNameKey } from "@/lib/mj/buttons";
import { MESSAGES } from ".";

const english = createTranslator({ locale: "en", messages: MESSAGES.en, namespace: "task" });
const chinese = createTranslator({ locale: "zh", messages: MESSAGES.zh, namespace: "task" });

/**
 * Two sets of the values a button name takes (U1 and Zoom Out 2x, U4 and Zoom Out 1.5x). Every
 * value differs from the others, so a message using the wrong placeholder says the wrong number.
 */
const VALUES = [
  { n: 1, factor: 2 },
  { n: 4, factor: 1.5 },
];

const KEYS = Object.keys(ENGLISH_BUTTON_NAMES) as ButtonNameKey[];

describe("task.buttons", () => {
  it.each(KEYS)("%s: the English UI names it as Midjourney does, the Chinese UI in Chinese", (key) => {
    for (const values of VALUES) {
      expect(english(`buttons.${key}`, values)).toBe(ENGLISH_BUTTON_NAMES[key](values));
      expect(chinese(`buttons.${key}`, values)).toMatch(/[\u4e00-\u9fff]|^[UV]\d$/u);
    }
  });
});
