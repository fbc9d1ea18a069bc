/**
 * The composer lints the prompt on every keystroke (parsePrompt: parameters, the model table's
 * warnings, fixes) and every control writes through setParam, so both run in the browser's input
 * handler. Measured here in Node on prompts a daily user types, and on the longest prompt the API
 * accepts.
 */
import { performance } from "node:perf_hooks";
import { LIMITS } from "@/lib/mj/requests";
import { parsePrompt, setParam } from "@/lib/mj/prompt-params";
import { percentile } from "./bench-stack";

const RUNS = 2_000;

const PROMPTS: [string, string][] = [
  ["plain", "a lighthouse at dusk, oil painting"],
  ["today's V8.1", "a cat --v 8.1 --hd --ar 7:2 --sref 1234567 --sw 300 --p"],
  [
    "references, every kind",
    "https://a.example/1.png https://a.example/2.png a knight --iw 1.5 --v 7 --sref https://a.example/s.png 987 random --sw 200 --sv 4 --oref https://a.example/o.png --ow 250 --p m7x9 abc --s 300 --c 20 --seed 42 --no text, people --draft --relax --foo 3",
  ],
  ["unknown model", "a cat --v 9 --q 3 --style raw --turbo --exp 50"],
];

function time(run: () => unknown): { p50: number; p99: number } {
  for (let i = 0; i < 50; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export async function benchPrompt(): Promise<void> {
  const long =
    `${"a very long prompt with many words ".repeat(Math.ceil(LIMITS.promptChars / 35))}--v 8.1 --ar 7:2 --sref 123`.slice(
      -LIMITS.promptChars,
    );
  const rows = [...PROMPTS, [`longest accepted (${long.length} chars)`, long] as [string, string]];
  console.log("\n### Prompt linting (per keystroke) and a control's write, in ms\n");
  console.log("| prompt | chars | parsePrompt p50 | p99 | setParam(stylize) p50 | p99 |");
  console.log("|---|---|---|---|---|---|");
  for (const [name, text] of rows) {
    const parse = time(() => parsePrompt(text));
    const write = time(() => setParam(text, "stylize", 250));
    console.log(
      `| ${name} | ${text.length} | ${parse.p50.toFixed(3)} | ${parse.p99.toFixed(3)} | ${write.p50.toFixed(3)} | ${write.p99.toFixed(3)} |`,
    );
  }
}
