"use client";

import { PenLine, Sparkles } from "lucide-react";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { useSubmitTask } from "@/lib/api/mutations";
import { cn } from "@/lib/cn";
import { parsePrompt } from "@/lib/mj/prompt-params";
import { shortenAnalysisOf, withAnalysedParams, type ShortenToken } from "@/lib/mj/shorten";
import type { Task } from "@/lib/mj/task";

const HEADING = "text-xs font-medium tracking-wide text-zinc-500 uppercase";

/**
 * A finished SHORTEN task: how much each word of the prompt counts, and the shortened prompts.
 * Each prompt is imagined from its text (with the analysed prompt's --parameters back), not
 * through the upstream's 1️⃣–5️⃣ buttons, which trueai rejects and relays refuse (§5.5 of
 * docs/protocol.md); "Use" puts it in the composer to edit first.
 */
export function ShortenResult({ task, onUsePrompt }: { task: Task; onUsePrompt(prompt: string): void }) {
  const t = useTranslations("result.shorten");
  const { tokens, prompts, text } = shortenAnalysisOf(task);
  const submitting = useSubmitTask();
  const analysed = task.prompt ?? "";

  function imagine(prompt: string, n: number) {
    const niji = parsePrompt(prompt).params.niji !== null || task.botType === "NIJI_JOURNEY";
    submitting.mutate(
      { kind: "imagine", body: { prompt, ...(niji ? { botType: "NIJI_JOURNEY" as const } : {}) } },
      { onSuccess: () => toast.success(t("started", { n })) },
    );
  }

  if (tokens.length === 0 && prompts.length === 0) {
    return (
      <section aria-label={t("title")} className="space-y-1">
        <p className="text-xs text-zinc-500">{t("unreadable")}</p>
        <p className="text-xs break-words whitespace-pre-wrap">{text}</p>
      </section>
    );
  }

  return (
    <div className="space-y-3">
      {tokens.length > 0 && <TokenWeights tokens={tokens} />}
      {prompts.length > 0 && (
        <section aria-labelledby={`shortened-${task.id}`}>
          <h3 id={`shortened-${task.id}`} className={HEADING}>
            {t("prompts")}
          </h3>
          <ol className="mt-1 space-y-2">
            {prompts.map((shortened, i) => {
              const full = withAnalysedParams(shortened, analysed);
              return (
                <li key={i} className="rounded-md bg-zinc-100 p-2 text-sm dark:bg-zinc-800">
                  <p className="break-words">{shortened}</p>
                  {full !== shortened && <p className="text-xs break-words text-zinc-500">{full}</p>}
                  <div className="mt-1 flex flex-wrap gap-1">
                    <Button
                      size="sm"
                      disabled={submitting.isPending || full === ""}
                      aria-busy={
                        submitting.isPending &&
                        submitting.variables?.kind === "imagine" &&
                        submitting.variables.body.prompt === full
                      }
                      onClick={() => imagine(full, i + 1)}
                    >
                      <Sparkles className="size-3.5" aria-hidden />
                      <span>{t("imagine")}</span>
                      <span className="sr-only"> {i + 1}</span>
                    </Button>
                    <Button size="sm" onClick={() => onUsePrompt(full)}>
                      <PenLine className="size-3.5" aria-hidden />
                      <span>{t("use")}</span>
                      <span className="sr-only"> {i + 1}</span>
                    </Button>
                  </div>
                </li>
              );
            })}
          </ol>
        </section>
      )}
    </div>
  );
}

/** The tokens in prompt order, each with a bar as long as its weight; dropped ones struck through. */
function TokenWeights({ tokens }: { tokens: ShortenToken[] }) {
  const t = useTranslations("result.shorten");
  const most = Math.max(...tokens.map((token) => token.weight ?? 0));
  return (
    <section aria-label={t("tokens")}>
      <h3 className={HEADING}>{t("tokens")}</h3>
      <p className="text-xs text-zinc-500">{t("tokensHint")}</p>
      <ul className="mt-1 flex flex-wrap gap-1.5">
        {tokens.map((token, i) => {
          const dropped = token.weight === 0;
          const share = token.weight !== null && most > 0 ? token.weight / most : null;
          return (
            <li
              key={i}
              className="max-w-full min-w-0 rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800"
            >
              <span className={cn("break-words", dropped && "text-zinc-400 line-through")}>{token.text}</span>
              {dropped ? (
                <span className="sr-only"> ({t("dropped")})</span>
              ) : (
                token.weight !== null && (
                  <span
                    className="ml-1 text-zinc-500 tabular-nums"
                    title={t("weight", { weight: token.weight })}
                  >
                    {token.weight.toFixed(2)}
                  </span>
                )
              )}
              {share !== null && !dropped && (
                <span
                  aria-hidden
                  className="mt-0.5 block h-1 rounded-full bg-sky-500"
                  style={{ width: `${Math.max(8, Math.round(share * 100))}%` }}
                />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
