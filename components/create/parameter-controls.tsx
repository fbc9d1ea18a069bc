"use client";

import { Dices, RotateCcw, Wrench } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState, type ReactNode } from "react";
import { SegmentedRadio } from "@/components/ui/segmented-radio";
import { fieldClasses } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import {
  DEFAULT_MODEL,
  modelCapabilities,
  PARAM_RANGES,
  PICKER_MODELS,
  type Capability,
  type ModelCapabilities,
  type RangedParam,
} from "@/lib/mj/models";
import {
  RESOLUTIONS,
  setParam,
  SPEEDS,
  type PromptIssue,
  type PromptParamKey,
  type PromptParams,
} from "@/lib/mj/prompt-params";

/**
 * The parameter controls, shown in the composer's Settings popover. They hold no parameter state
 * of their own: every control reads the parameters it is given (the prompt's, with the user's
 * sticky defaults where the prompt sets none) and writes back through `setParam`, so whatever the
 * user typed by hand moves the controls. Which controls are offered follows the model the prompt
 * selects (lib/mj/models.ts); a control the model lacks is disabled or hidden, with the reason
 * said in words.
 */

const ASPECT_PRESETS = ["1:1", "4:3", "3:2", "16:9", "21:9", "3:4", "2:3", "9:16"] as const;

/** Step, and what Midjourney uses when the parameter is absent, so an untouched slider sits in the right place. */
const SLIDERS = {
  stylize: { step: 10, fallback: 100 },
  chaos: { step: 1, fallback: 0 },
  weird: { step: 10, fallback: 0 },
  exp: { step: 1, fallback: 0 },
  iw: { step: 0.25, fallback: 1 },
  sw: { step: 10, fallback: 100 },
  ow: { step: 1, fallback: 100 },
  cw: { step: 5, fallback: 100 },
} as const satisfies Partial<Record<RangedParam, { step: number; fallback: number }>>;

type SliderKey = keyof typeof SLIDERS;

/** The picker's value for the prompt's model: a known model's own, else what was typed. */
function modelValue(params: PromptParams, capabilities: ModelCapabilities): string {
  const { kind, rules } = capabilities.resolution;
  if (kind === "known") return `${rules.flag ?? ""}:${rules.version}`;
  if (params.niji !== null) return `niji:${params.niji}`;
  if (params.version !== null) return `v:${params.version}`;
  return "";
}

export type PromptUpdate = (update: (text: string) => string) => void;

interface IssueMessage {
  key: string;
  message: string;
  severity: PromptIssue["severity"];
  fix: { label: string; apply: (text: string) => string } | null;
}

/**
 * Issues in the user's language, errors (which block submitting) before warnings. A code this UI
 * doesn't know yet falls back to the parser's English.
 */
function useIssueMessages(issues: readonly PromptIssue[]): IssueMessage[] {
  const t = useTranslations("prompt");
  const ordered = [...issues].sort(
    (a, b) => Number(a.severity === "warning") - Number(b.severity === "warning"),
  );
  return ordered.map((issue, index) => {
    const key = `issues.${issue.code}`;
    const label = t(`params.labels.${issue.param}`);
    const dispute = `issues.disputes.${issue.args.dispute ?? ""}`;
    const note = t.has(dispute) ? t(dispute) : issue.args.note;
    // The server default has no name of its own: word it in the user's language.
    const model = issue.args.modelId === DEFAULT_MODEL.id ? t("params.defaultModel") : issue.args.model;
    const args = {
      label,
      ...issue.args,
      ...(model === undefined ? {} : { model }),
      ...(note === undefined ? {} : { note }),
    };
    const fixKey = issue.fix ? `issues.fix.${issue.fix.code}` : null;
    return {
      key: `${index}-${issue.code}`,
      message: t.has(key) ? t(key, args) : issue.message,
      severity: issue.severity,
      fix: issue.fix
        ? {
            label: fixKey && t.has(fixKey) ? t(fixKey, issue.fix.args) : issue.fix.label,
            apply: issue.fix.apply,
          }
        : null,
    };
  });
}

/**
 * The prompt's issues, each with its "Apply fix" button where the linter offers one (a fix is
 * never applied without the user). `children` adds other lines (the reference images' notice).
 */
export function IssueList({
  id,
  issues,
  onPromptChange,
  children,
}: {
  id: string;
  issues: readonly PromptIssue[];
  onPromptChange: PromptUpdate;
  children?: ReactNode;
}) {
  const t = useTranslations("prompt.issues");
  const messages = useIssueMessages(issues);
  return (
    // One reserved line: problems appear without pushing the page down in the common case.
    <ul id={id} aria-live="polite" className="min-h-5 space-y-0.5 px-1 text-sm">
      {messages.map(({ key, message, severity, fix }) => (
        <li
          key={key}
          className={cn(
            "break-words",
            severity === "error" ? "text-red-600 dark:text-red-400" : "text-amber-700 dark:text-amber-400",
          )}
        >
          {message}
          {fix && (
            <button
              type="button"
              onClick={() => onPromptChange(fix.apply)}
              className="ml-2 inline-flex items-center gap-1 rounded px-1 align-baseline font-medium underline underline-offset-2 hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              <Wrench className="size-3" aria-hidden />
              {t("applyFix", { fix: fix.label })}
            </button>
          )}
        </li>
      ))}
      {children}
    </ul>
  );
}

/**
 * Words for why a control is off or flagged on the prompt's model, or null when it is simply
 * available. The reference bins word their own support with `references.support.*`.
 */
export function useCapabilityReason(): (
  capability: Capability,
  special?: "noQuality" | "noTurbo",
) => string | null {
  const t = useTranslations("prompt");
  return (capability, special) => {
    const reason = capability.reason;
    if (reason === null) return null;
    if (reason.code === "unsupported")
      return t(`params.reasons.${special ?? "unsupported"}`, { model: reason.model });
    if (reason.code === "unknown") return t("params.reasons.unknown", { model: reason.model });
    const note = reason.dispute ? t(`issues.disputes.${reason.dispute}`) : "";
    return t("params.reasons.disputed", { model: reason.model, note });
  };
}

/** A control's reason line, which the control names with aria-describedby. */
function Reason({ id, text }: { id: string; text: string | null }) {
  if (text === null) return null;
  return (
    <p id={id} className="text-xs break-words text-zinc-600 dark:text-zinc-400">
      {text}
    </p>
  );
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
  range,
  reason = null,
  disabled = false,
}: {
  name: SliderKey;
  label: string;
  value: number | null;
  invalid: boolean;
  onChange: (value: number | null) => void;
  /** The model's own range where it is narrower than the universal one (V7's `--ow` starts at 1). */
  range?: { min: number; max: number } | undefined;
  reason?: string | null;
  disabled?: boolean;
}) {
  const t = useTranslations("prompt.params");
  const id = useId();
  const { min, max } = range ?? PARAM_RANGES[name];
  const { step, fallback } = SLIDERS[name];
  const shown = value === null ? t("auto", { value: fallback }) : String(value);
  return (
    <div className="space-y-1">
      <div className="flex min-h-6 items-center gap-2">
        <label htmlFor={id} className={cn("text-sm font-medium", disabled && "opacity-60")}>
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
        disabled={disabled}
        aria-invalid={invalid}
        aria-valuetext={shown}
        aria-describedby={reason === null ? undefined : `${id}-reason`}
        onChange={(event) => onChange(Number(event.target.value))}
        className="w-full accent-sky-600 disabled:opacity-50"
      />
      <Reason id={`${id}-reason`} text={reason} />
    </div>
  );
}

/** A checkbox writing a flag; disabled with its reason when the model lacks it (and the prompt hasn't it). */
function FlagBox({
  label,
  checked,
  invalid,
  onChange,
  reason,
  disabled,
}: {
  label: string;
  checked: boolean;
  invalid: boolean;
  onChange: (checked: boolean) => void;
  reason: string | null;
  disabled: boolean;
}) {
  const id = useId();
  return (
    <div>
      <label className={cn("inline-flex min-h-8 items-center gap-2 text-sm", disabled && "opacity-60")}>
        <input
          type="checkbox"
          checked={checked}
          disabled={disabled}
          aria-invalid={invalid}
          aria-describedby={reason === null ? undefined : `${id}-reason`}
          onChange={(event) => onChange(event.target.checked)}
          className="size-4 accent-sky-600"
        />
        {label}
      </label>
      <Reason id={`${id}-reason`} text={reason} />
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
  const reasonOf = useCapabilityReason();
  const baseId = useId();

  const invalid = new Set(issues.filter((issue) => issue.severity === "error").map((issue) => issue.param));
  const set = <K extends PromptParamKey>(key: K, value: PromptParams[K]) =>
    onPromptChange((text) => setParam(text, key, value));

  const capabilities = modelCapabilities(params);
  const caps = capabilities.params;
  // A control the model lacks stays usable while the prompt has its parameter, so it can be cleared.
  const off = (capability: Capability, present: boolean) => capability.state === "unavailable" && !present;

  const model = modelValue(params, capabilities);
  const pickerModels = [
    ...PICKER_MODELS,
    // V8 is offered only to a prompt that already uses it.
    ...(capabilities.resolution.kind === "known" && capabilities.resolution.rules.pick === null
      ? [capabilities.resolution.rules]
      : []),
  ];
  const fromPrompt =
    model !== "" && !pickerModels.some((option) => `${option.flag}:${option.version}` === model);
  const aspectPreset = ASPECT_PRESETS.find((preset) => preset === params.aspect) ?? null;

  const qualityReason = reasonOf(caps.quality, "noQuality");
  const qualityKnown = params.quality === null || capabilities.qualities.includes(params.quality);
  const showResolution =
    params.resolution !== null ||
    caps.resolution.state === "available" ||
    caps.resolution.support.status === "disputed";
  const turboOff = off(caps.turbo, params.speed === "turbo");
  const turboReason = reasonOf(caps.turbo, "noTurbo");
  const resolutionReason = reasonOf(caps.resolution);
  const svMax = caps.sv.support.range?.max ?? 4;
  const svReason = reasonOf(caps.sv);
  const svKnown = params.sv === null || (Number.isInteger(params.sv) && params.sv >= 1 && params.sv <= svMax);

  return (
    // The Settings popover (a bottom sheet on a phone) frames it; the columns follow its width.
    <div className="grid grid-cols-1 gap-x-6 gap-y-4 sm:grid-cols-2 lg:grid-cols-3">
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
          {pickerModels.map((option) => (
            <option key={option.id} value={`${option.flag}:${option.version}`}>
              {option.label}
            </option>
          ))}
          {fromPrompt && (
            <option value={model}>{t("fromPrompt", { value: capabilities.resolution.label })}</option>
          )}
        </select>
      </div>

      {showResolution && (
        <div>
          <SegmentedRadio
            legend={t("resolution")}
            options={[
              { value: "default", label: t("resolutionValue.default") },
              ...RESOLUTIONS.map((value) => ({ value, label: t(`resolutionValue.${value}`) })),
            ]}
            value={params.resolution ?? "default"}
            invalid={invalid.has("resolution")}
            describedBy={resolutionReason === null ? undefined : `${baseId}-resolution-reason`}
            onChange={(value) => set("resolution", value === "default" ? null : value)}
          />
          <Reason id={`${baseId}-resolution-reason`} text={resolutionReason} />
        </div>
      )}

      <div className="space-y-1">
        <label htmlFor={`${baseId}-quality`} className="block text-sm font-medium">
          {t("quality")}
        </label>
        <select
          id={`${baseId}-quality`}
          value={params.quality === null ? "" : String(params.quality)}
          disabled={off(caps.quality, params.quality !== null)}
          aria-invalid={invalid.has("quality")}
          aria-describedby={qualityReason === null ? undefined : `${baseId}-quality-reason`}
          onChange={(event) => set("quality", event.target.value === "" ? null : Number(event.target.value))}
          className={selectClass}
        >
          <option value="">{t("default")}</option>
          {capabilities.qualities.map((quality) => (
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
        <Reason id={`${baseId}-quality-reason`} text={qualityReason} />
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
        reason={reasonOf(caps.weird)}
        disabled={off(caps.weird, params.weird !== null)}
      />
      <Slider
        name="exp"
        label={t("exp")}
        value={params.exp}
        invalid={invalid.has("exp")}
        onChange={(v) => set("exp", v)}
        reason={reasonOf(caps.exp)}
        disabled={off(caps.exp, params.exp !== null)}
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
          <FlagBox
            label={t("tile")}
            checked={params.tile}
            invalid={invalid.has("tile")}
            onChange={(on) => set("tile", on)}
            reason={reasonOf(caps.tile)}
            disabled={off(caps.tile, params.tile)}
          />
          <FlagBox
            label={t("raw")}
            checked={params.raw}
            invalid={invalid.has("raw")}
            onChange={(on) => set("raw", on)}
            reason={reasonOf(caps[capabilities.rawFlag === "--raw" ? "raw" : "styleRaw"])}
            disabled={false}
          />
          <FlagBox
            label={t("draft")}
            checked={params.draft}
            invalid={invalid.has("draft")}
            onChange={(on) => set("draft", on)}
            reason={reasonOf(caps.draft)}
            disabled={off(caps.draft, params.draft)}
          />
        </div>
      </fieldset>

      <div>
        <SegmentedRadio
          legend={t("speed")}
          options={[
            { value: "default", label: t("speedValue.default") },
            ...SPEEDS.filter((speed) => speed !== "turbo" || !turboOff).map((speed) => ({
              value: speed,
              label: t(`speedValue.${speed}`),
            })),
          ]}
          value={params.speed ?? "default"}
          invalid={invalid.has("speed")}
          describedBy={turboReason === null ? undefined : `${baseId}-turbo-reason`}
          onChange={(value) => set("speed", value === "default" ? null : value)}
        />
        <Reason id={`${baseId}-turbo-reason`} text={turboReason} />
      </div>

      <fieldset className="grid grid-cols-1 gap-x-6 gap-y-4 sm:col-span-2 sm:grid-cols-2 lg:col-span-3 lg:grid-cols-3">
        <legend className="mb-2 text-sm font-medium">{t("references")}</legend>
        <Slider
          name="iw"
          label={t("iw")}
          value={params.iw}
          invalid={invalid.has("iw")}
          onChange={(v) => set("iw", v)}
          reason={reasonOf(caps.iw)}
          disabled={off(caps.iw, params.iw !== null)}
        />
        <Slider
          name="sw"
          label={t("sw")}
          value={params.sw}
          invalid={invalid.has("sw")}
          onChange={(v) => set("sw", v)}
          reason={reasonOf(caps.sw)}
          disabled={off(caps.sw, params.sw !== null)}
        />
        <div className="space-y-1">
          <label htmlFor={`${baseId}-sv`} className="block text-sm font-medium">
            {t("sv")}
          </label>
          <select
            id={`${baseId}-sv`}
            value={params.sv === null ? "" : String(params.sv)}
            disabled={off(caps.sv, params.sv !== null)}
            aria-invalid={invalid.has("sv")}
            aria-describedby={svReason === null ? undefined : `${baseId}-sv-reason`}
            onChange={(event) => set("sv", event.target.value === "" ? null : Number(event.target.value))}
            className={selectClass}
          >
            <option value="">{t("default")}</option>
            {Array.from({ length: svMax }, (_, i) => i + 1).map((version) => (
              <option key={version} value={String(version)}>
                {version}
              </option>
            ))}
            {!svKnown && (
              <option value={String(params.sv)}>{t("fromPrompt", { value: String(params.sv) })}</option>
            )}
          </select>
          <Reason id={`${baseId}-sv-reason`} text={svReason} />
        </div>
        <Slider
          name="ow"
          label={t("ow")}
          value={params.ow}
          invalid={invalid.has("ow")}
          onChange={(v) => set("ow", v)}
          range={caps.ow.support.range ?? { min: 1, max: PARAM_RANGES.ow.max }}
          reason={reasonOf(caps.ow)}
          disabled={off(caps.ow, params.ow !== null)}
        />
        <Slider
          name="cw"
          label={t("cw")}
          value={params.cw}
          invalid={invalid.has("cw")}
          onChange={(v) => set("cw", v)}
          reason={reasonOf(caps.cw)}
          disabled={off(caps.cw, params.cw !== null)}
        />
      </fieldset>
    </div>
  );
}
