"use client";

import { ChevronDown, Dices, RotateCcw } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState, useSyncExternalStore } from "react";
import { SegmentedRadio } from "@/components/ui/segmented-radio";
import { fieldClasses } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import {
  PARAM_LIMITS,
  setParam,
  SPEEDS,
  type PromptIssue,
  type PromptParamKey,
  type PromptParams,
} from "@/lib/mj/prompt-params";

/**
 * The parameter panel. It holds no parameter state of its own: every control reads the parsed
 * prompt and writes back through `setParam`, so the text stays the single source of truth and
 * whatever the user typed by hand moves the controls.
 */

const ASPECT_PRESETS = ["1:1", "4:3", "3:2", "16:9", "21:9", "3:4", "2:3", "9:16"] as const;

/** The models offered; anything else typed in the prompt (`--v 5.2`) is shown as an extra option. */
const MODELS = [
  { value: "v:7", label: "V7" },
  { value: "v:6.1", label: "V6.1" },
  { value: "v:6", label: "V6" },
  { value: "niji:7", label: "Niji 7" },
  { value: "niji:6", label: "Niji 6" },
] as const;

/** What Midjourney uses when the parameter is absent, so an untouched slider sits in the right place. */
const SLIDERS = {
  stylize: { ...PARAM_LIMITS.stylize, step: 10, fallback: 100 },
  chaos: { ...PARAM_LIMITS.chaos, step: 1, fallback: 0 },
  weird: { ...PARAM_LIMITS.weird, step: 10, fallback: 0 },
} as const;

const WIDE_QUERY = "(min-width: 48rem)";

function subscribeWide(onChange: () => void) {
  const query = window.matchMedia(WIDE_QUERY);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

function modelValue(params: PromptParams): string {
  if (params.niji !== null) return `niji:${params.niji}`;
  if (params.version !== null) return `v:${params.version}`;
  return "";
}

function modelLabel(value: string): string {
  const [kind, version = ""] = value.split(":");
  return kind === "niji" ? `Niji ${version}`.trim() : `V${version}`;
}

export type PromptUpdate = (update: (text: string) => string) => void;

export interface IssueMessage {
  key: string;
  message: string;
  severity: PromptIssue["severity"];
}

/**
 * Issues in the user's language, errors (which block submitting) before warnings. A code this UI
 * doesn't know yet falls back to the parser's English.
 */
export function useIssueMessages(issues: readonly PromptIssue[]): IssueMessage[] {
  const t = useTranslations("prompt");
  const ordered = [...issues].sort(
    (a, b) => Number(a.severity === "warning") - Number(b.severity === "warning"),
  );
  return ordered.map((issue, index) => {
    const key = `issues.${issue.code}`;
    const label = t(`params.labels.${issue.param}`);
    return {
      key: `${index}-${issue.code}`,
      message: t.has(key) ? t(key, { label, ...issue.args }) : issue.message,
      severity: issue.severity,
    };
  });
}

/** A small rectangle of the ratio's shape, so the presets read at a glance. */
function AspectShape({ ratio }: { ratio: string }) {
  const [w = 1, h = 1] = ratio.split(":").map(Number);
  const scale = 14 / Math.max(w, h);
  return (
    <span
      aria-hidden
      className="inline-block rounded-[2px] border border-current"
      style={{ width: Math.max(4, w * scale), height: Math.max(4, h * scale) }}
    />
  );
}

/**
 * A text field whose value lives in the prompt. While focused it shows what was typed, since the
 * prompt stores the cleaned value (`--no cars ` loses its trailing space and the next word with it).
 */
function PromptTextField({
  id,
  value,
  onCommit,
  invalid,
  ...rest
}: {
  id: string;
  value: string;
  onCommit: (value: string) => void;
  invalid: boolean;
  placeholder?: string;
  inputMode?: "text" | "numeric";
  className?: string;
  "aria-label"?: string;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      id={id}
      type="text"
      value={draft ?? value}
      aria-invalid={invalid}
      onChange={(event) => {
        setDraft(event.target.value);
        onCommit(event.target.value);
      }}
      onBlur={() => setDraft(null)}
      autoComplete="off"
      {...rest}
      className={fieldClasses("min-h-8 py-0", rest.className)}
    />
  );
}

function ResetButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-label={label}
      title={label}
      className="rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
    >
      <RotateCcw className="size-3.5" aria-hidden />
    </button>
  );
}

function Slider({
  name,
  label,
  value,
  invalid,
  onChange,
}: {
  name: keyof typeof SLIDERS;
  label: string;
  value: number | null;
  invalid: boolean;
  onChange: (value: number | null) => void;
}) {
  const t = useTranslations("prompt.params");
  const id = useId();
  const { min, max, step, fallback } = SLIDERS[name];
  const shown = value === null ? t("auto", { value: fallback }) : String(value);
  return (
    <div className="space-y-1">
      <div className="flex min-h-6 items-center gap-2">
        <label htmlFor={id} className="text-sm font-medium">
          {label}
        </label>
        <output
          htmlFor={id}
          className={cn(
            "ml-auto text-sm tabular-nums",
            invalid ? "text-red-600 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400",
          )}
        >
          {shown}
        </output>
        {value !== null && <ResetButton label={t("reset", { label })} onClick={() => onChange(null)} />}
      </div>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={Math.min(max, Math.max(min, value ?? fallback))}
        aria-invalid={invalid}
        aria-valuetext={shown}
        onChange={(event) => onChange(Number(event.target.value))}
        className="w-full accent-sky-600"
      />
    </div>
  );
}

const selectClass = fieldClasses("min-h-8 w-full py-0");

export function ParameterControls({
  params,
  issues,
  onPromptChange,
}: {
  params: PromptParams;
  issues: readonly PromptIssue[];
  /** Receives a rewrite of the prompt; functional, so two writes in one event (the model) compose. */
  onPromptChange: PromptUpdate;
}) {
  const t = useTranslations("prompt.params");
  const baseId = useId();
  const panelId = `${baseId}-panel`;
  const wide = useSyncExternalStore(
    subscribeWide,
    () => window.matchMedia(WIDE_QUERY).matches,
    () => true,
  );
  // null until the user toggles: the CSS breakpoint decides, so nothing jumps after hydration.
  const [userOpen, setUserOpen] = useState<boolean | null>(null);
  const open = userOpen ?? wide;

  const invalid = new Set(issues.filter((issue) => issue.severity === "error").map((issue) => issue.param));
  const set = <K extends PromptParamKey>(key: K, value: PromptParams[K]) =>
    onPromptChange((text) => setParam(text, key, value));

  const model = modelValue(params);
  const knownModel = model === "" || MODELS.some((option) => option.value === model);
  const aspectPreset = ASPECT_PRESETS.find((preset) => preset === params.aspect) ?? null;
  const qualityKnown =
    params.quality === null || (PARAM_LIMITS.quality as readonly number[]).includes(params.quality);

  return (
    <div className="rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setUserOpen(!open)}
        className="flex min-h-10 w-full items-center gap-2 rounded-xl px-3 text-sm font-medium"
      >
        <ChevronDown className={cn("size-4 transition-transform", !open && "-rotate-90")} aria-hidden />
        {t("title")}
      </button>
      <div
        id={panelId}
        className={cn(
          userOpen === null ? "hidden md:grid" : open ? "grid" : "hidden",
          "grid-cols-1 gap-x-6 gap-y-4 border-t border-zinc-200 p-3 sm:grid-cols-2 lg:grid-cols-3 dark:border-zinc-800",
        )}
      >
        <div className="sm:col-span-2 lg:col-span-3">
          <SegmentedRadio
            legend={t("aspect")}
            options={[
              { value: "auto", label: t("auto", { value: "1:1" }) },
              ...ASPECT_PRESETS.map((preset) => ({
                value: preset,
                label: (
                  <>
                    <AspectShape ratio={preset} />
                    {preset}
                  </>
                ),
              })),
            ]}
            value={params.aspect === null ? "auto" : aspectPreset}
            onChange={(value) => set("aspect", value === "auto" ? null : value)}
          >
            <span className="inline-flex items-center gap-1.5">
              <label htmlFor={`${baseId}-aspect`} className="text-sm text-zinc-600 dark:text-zinc-400">
                {t("aspectCustom")}
              </label>
              <PromptTextField
                id={`${baseId}-aspect`}
                value={aspectPreset === null ? (params.aspect ?? "") : ""}
                onCommit={(value) => set("aspect", value.trim() || null)}
                invalid={invalid.has("aspect")}
                placeholder="5:4"
                className="w-20"
              />
            </span>
          </SegmentedRadio>
        </div>

        <div className="space-y-1">
          <label htmlFor={`${baseId}-model`} className="block text-sm font-medium">
            {t("model")}
          </label>
          <select
            id={`${baseId}-model`}
            value={model}
            aria-invalid={invalid.has("version") || invalid.has("niji")}
            onChange={(event) => {
              const [kind, version = ""] = event.target.value.split(":");
              set("version", kind === "v" ? version : null);
              set("niji", kind === "niji" ? version : null);
            }}
            className={selectClass}
          >
            <option value="">{t("default")}</option>
            {MODELS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
            {!knownModel && <option value={model}>{t("fromPrompt", { value: modelLabel(model) })}</option>}
          </select>
        </div>

        <div className="space-y-1">
          <label htmlFor={`${baseId}-quality`} className="block text-sm font-medium">
            {t("quality")}
          </label>
          <select
            id={`${baseId}-quality`}
            value={params.quality === null ? "" : String(params.quality)}
            aria-invalid={invalid.has("quality")}
            onChange={(event) =>
              set("quality", event.target.value === "" ? null : Number(event.target.value))
            }
            className={selectClass}
          >
            <option value="">{t("default")}</option>
            {PARAM_LIMITS.quality.map((quality) => (
              <option key={quality} value={String(quality)}>
                {quality}
              </option>
            ))}
            {!qualityKnown && (
              <option value={String(params.quality)}>
                {t("fromPrompt", { value: String(params.quality) })}
              </option>
            )}
          </select>
        </div>

        <div className="space-y-1">
          <label htmlFor={`${baseId}-seed`} className="block text-sm font-medium">
            {t("seed")}
          </label>
          <div className="flex gap-1.5">
            <PromptTextField
              id={`${baseId}-seed`}
              value={params.seed === null ? "" : String(params.seed)}
              // An emptied or non-numeric field removes --seed (random) rather than writing garbage.
              onCommit={(value) => set("seed", value.trim() === "" ? null : Number(value))}
              invalid={invalid.has("seed")}
              inputMode="numeric"
              placeholder={t("seedRandom")}
              className="min-w-0 flex-1"
            />
            <button
              type="button"
              onClick={() => set("seed", null)}
              disabled={params.seed === null}
              title={t("seedRandomHint")}
              className="inline-flex min-h-8 items-center gap-1 rounded-md border border-zinc-300 px-2 text-sm hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              <Dices className="size-4" aria-hidden />
              {t("seedRandom")}
            </button>
          </div>
        </div>

        <Slider
          name="stylize"
          label={t("stylize")}
          value={params.stylize}
          invalid={invalid.has("stylize")}
          onChange={(v) => set("stylize", v)}
        />
        <Slider
          name="chaos"
          label={t("chaos")}
          value={params.chaos}
          invalid={invalid.has("chaos")}
          onChange={(v) => set("chaos", v)}
        />
        <Slider
          name="weird"
          label={t("weird")}
          value={params.weird}
          invalid={invalid.has("weird")}
          onChange={(v) => set("weird", v)}
        />

        <div className="space-y-1">
          <label htmlFor={`${baseId}-no`} className="block text-sm font-medium">
            {t("no")}
          </label>
          <PromptTextField
            id={`${baseId}-no`}
            value={params.no ?? ""}
            onCommit={(value) => set("no", value.trim() || null)}
            invalid={invalid.has("no")}
            placeholder={t("noPlaceholder")}
            className="w-full"
          />
        </div>

        <fieldset className="space-y-1">
          <legend className="mb-1 text-sm font-medium">{t("options")}</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            <label className="inline-flex min-h-8 items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={params.tile}
                aria-invalid={invalid.has("tile")}
                onChange={(event) => set("tile", event.target.checked)}
                className="size-4 accent-sky-600"
              />
              {t("tile")}
            </label>
            <label className="inline-flex min-h-8 items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={params.raw}
                aria-invalid={invalid.has("raw")}
                onChange={(event) => set("raw", event.target.checked)}
                className="size-4 accent-sky-600"
              />
              {t("raw")}
            </label>
          </div>
        </fieldset>

        <SegmentedRadio
          legend={t("speed")}
          options={[
            { value: "default", label: t("speedValue.default") },
            ...SPEEDS.map((speed) => ({ value: speed, label: t(`speedValue.${speed}`) })),
          ]}
          value={params.speed ?? "default"}
          invalid={invalid.has("speed")}
          onChange={(value) => set("speed", value === "default" ? null : value)}
        />
      </div>
    </div>
  );
}
