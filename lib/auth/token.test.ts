import { describe, expect, it } from "vitest";
import { carriesToken, presentedTokens } from "./token";

const TOKEN = "token-for-other-tools-0123456789";
const headers = (init: Record<string, string>) => new Headers(init);

describe("the API token in each family's form (§1.3)", () => {
  it.each<{ form: string; init: Record<string, string> }>([
    { form: "Authorization: Bearer", init: { authorization: `Bearer ${TOKEN}` } },
    { form: "Authorization: bearer (any case)", init: { authorization: `bearer  ${TOKEN}` } },
    { form: "raw Authorization (trueai)", init: { authorization: TOKEN } },
    { form: "mj-api-secret (novicezk)", init: { "mj-api-secret": TOKEN } },
    {
      form: "Mj-Api-Secret beside another Authorization",
      init: { authorization: "x", "Mj-Api-Secret": TOKEN },
    },
  ])("$form is accepted", ({ init }) => {
    expect(carriesToken(headers(init), TOKEN)).toBe(true);
  });

  it.each<{ form: string; init: Record<string, string> }>([
    { form: "nothing", init: {} },
    { form: "another token", init: { authorization: `Bearer ${TOKEN}0` } },
    { form: "a prefix of it", init: { "mj-api-secret": TOKEN.slice(0, 10) } },
    { form: "another scheme", init: { authorization: `Basic ${TOKEN}` } },
    { form: "an empty header", init: { authorization: "", "mj-api-secret": " " } },
  ])("$form is not", ({ init }) => {
    expect(carriesToken(headers(init), TOKEN)).toBe(false);
  });

  it("lists each form once present, none when absent", () => {
    expect(presentedTokens(headers({}))).toEqual([]);
    expect(presentedTokens(headers({ authorization: "Bearer a", "mj-api-secret": "b" }))).toEqual([
      "a",
      "Bearer a",
      "b",
    ]);
  });
});
