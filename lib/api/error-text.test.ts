import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { MESSAGES } from "@/messages";
import { UpstreamRefusal } from "./client";
import { errorText } from "./error-text";

type Translate = Parameters<typeof errorText>[1];
const translator = (locale: "en" | "zh") =>
  createTranslator({ locale, messages: MESSAGES[locale] }) as unknown as Translate;

/** new-api's refusal of a button it does not classify (§8.1 of docs/protocol.md), through the app. */
const refusal = (customId: string) =>
  new UpstreamRefusal({ code: 4, description: `unknown_action:${customId} ` });

describe("errorText of a relay's unknown_action", () => {
  it("names the button in plain words and suggests no retry", () => {
    const text = errorText(
      refusal("MJ::JOB::animate_high::1::3f1c8a2e-5b7d-4e2a-9c1f-0a1b2c3d4e5f::SOLO"),
      translator("en"),
    );
    expect(text.message).toBe(
      "This relay cannot run the Animate (High motion) button; pressing it again will not help.",
    );
    expect(text.message).not.toMatch(/try again|retry/i);
    expect(text.detail).toContain("unknown_action:");
  });

  it("says it in Chinese on a Chinese page, with the button's Chinese name", () => {
    const zh = translator("zh");
    expect(errorText(refusal("MJ::Job::PicReader::2"), zh).message).toBe(
      `这个中转站无法执行“${zh("task.buttons.describePrompt", { n: 2 })}”按钮，再按一次也不会成功。`,
    );
  });

  it("still says so for a button the app does not know", () => {
    expect(errorText(refusal("MJ::Job::ShowDetails"), translator("en")).message).toBe(
      "This relay cannot run this button; pressing it again will not help.",
    );
  });

  it("leaves other refusals to their own sentences", () => {
    const other = new UpstreamRefusal({ code: 4, description: "未知的 Action 类型" });
    expect(errorText(other, translator("en")).message).toBe("The upstream cannot run this action.");
  });
});
