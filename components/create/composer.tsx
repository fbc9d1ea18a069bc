"use client";

import {
  Clapperboard,
  Combine,
  RotateCcw,
  ScanText,
  SlidersHorizontal,
  Sparkles,
  SquarePen,
} from "lucide-react";
import { useTranslations } from "next-intl";
import {
  useCallback,
  useEffect,
  useId,
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type Ref,
} from "react";
import { toast } from "sonner";
import { EditorPanel } from "@/components/editor/editor";
import type { EditSource } from "@/components/editor/edit-source";
import { buttonClasses } from "@/components/ui/button";
import { PopoverSheet } from "@/components/ui/popover-sheet";
import { useStoredString } from "@/components/ui/use-stored";
import { cn } from "@/lib/cn";
import type { SubmitRequest } from "@/lib/api/client";
import { parsePrompt } from "@/lib/mj/prompt-params";
import {
  blendRequestSchema,
  describeRequestSchema,
  imagineRequestSchema,
  LIMITS,
  editRequestSchema,
  shortenRequestSchema,
  videoRequestSchema,
} from "@/lib/mj/requests";
import { BlendForm } from "./blend-form";
import { DescribeForm } from "./describe-form";
import { IssueList, ParameterControls, type PromptUpdate } from "./parameter-controls";
import { PromptBar } from "./prompt-bar";
import {
  ReferenceBins,
  referenceCounts,
  ReferenceDropZones,
  ReferenceToggle,
  type ReferenceState,
  type TakeDraft,
} from "./reference-bins";
import { useImageList, usePastedImages } from "./reference-images";
import {
  addReference,
  isReferenceValue,
  needsHosting,
  type ImageReferenceKind,
  type ReferenceKind,
} from "./references";
import { cleanDefaults, pendingDefaults, withDefaults, withoutSettings } from "./settings-defaults";
import { useReferenceUploads } from "./use-reference-uploads";
import { VideoForm, type VideoFormHandle } from "./video-form";
import type { AnimateFrame, ExtendTarget } from "./video-request";

/** What the rest of the Create page may do to the composer ("Use prompt", "Use as style", …). */
export interface ComposerHandle {
  /** Replaces the Imagine prompt and switches to Imagine. */
  setPrompt(text: string): void;
  /**
   * Adds an image as a reference of `kind`: an app media URL or a data URL is uploaded to become
   * a public URL first; any other http(s) URL goes into the prompt as it is.
   */
  addReference(kind: ImageReferenceKind, url: string): void;
  /** Switches to Imagine and puts the caret at the end of the prompt. */
  focusPrompt(): void;
  /** Switches to Video with this image as the start frame. */
  animate(frame: AnimateFrame): void;
  /** Switches to Video, extending this clip. */
  extend(target: ExtendTarget): void;
  /** Switches to Edit with this image in the Editor ("Edit…" on a result). */
  openEditor(source: EditSource): void;
}

/** Where the Settings popover's state and the user's sticky settings are remembered. */
const SETTINGS_OPEN_KEY = "mj-studio:settings-open";
const DEFAULTS_KEY = "mj-studio:settings-defaults";

const MODES = ["imagine", "describe", "blend", "video", "edit"] as const;
type Mode = (typeof MODES)[number];

const MODE_ICONS = {
  imagine: Sparkles,
  describe: ScanText,
  blend: Combine,
  video: Clapperboard,
  edit: SquarePen,
} as const;

/** The last check before the network: the same schemas the route handlers apply. */
const SCHEMAS = {
  imagine: imagineRequestSchema,
  describe: describeRequestSchema,
  blend: blendRequestSchema,
  shorten: shortenRequestSchema,
  video: videoRequestSchema,
  edits: editRequestSchema,
  retexture: editRequestSchema,
} as const;

/** The bin a value is uploaded for when the prompt cannot name it as it is (local data, the app's own media). */
function hostingKind(kind: ReferenceKind, value: string): ImageReferenceKind | null {
  return kind !== "personalization" && needsHosting(value, window.location.origin) ? kind : null;
}

/** Inputs whose Enter does something of their own (open a file picker, press a button). */
const OWN_ENTER_INPUTS = new Set(["button", "submit", "reset", "image", "file"]);

/**
 * A browser submits a form when Enter is pressed in one of its inputs (text fields, and in
 * Chromium checkboxes and radios too). In the Imagine form that would spend a job from the Seed,
 * Exclude or aspect field, so only the prompt box submits (its own Enter handler): Enter
 * elsewhere in the form does nothing. An IME's confirming Enter is left alone.
 */
function keepEnterFromSubmitting(event: KeyboardEvent<HTMLElement>) {
  if (event.key !== "Enter" || event.nativeEvent.isComposing || event.keyCode === 229) return;
  const target = event.target;
  if (target instanceof HTMLInputElement && !OWN_ENTER_INPUTS.has(target.type)) event.preventDefault();
}

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || !!target.closest("input, textarea, select, [role='dialog']");
}

/**
 * The Create page's composer: Imagine (prompt, parameters, reference images), Describe, Blend and
 * Video and Edit (the Editor) as tabs. It validates and builds request bodies; the page owns the network call. The Imagine
 * prompt survives submits, failures and tab switches: losing a typed prompt is what users of
 * other proxy front-ends complain about most.
 */
export function Composer({
  onSubmit,
  submitting,
  remix,
  onRemixChange,
  handleRef,
}: {
  /** Rejects when the submit failed; the page's mutation has told the user why. */
  onSubmit(request: SubmitRequest): Promise<unknown>;
  submitting: boolean;
  remix: boolean;
  onRemixChange(value: boolean): void;
  handleRef?: Ref<ComposerHandle>;
}) {
  const t = useTranslations("prompt");
  const tRefs = useTranslations("references");
  const baseId = useId();
  const issuesId = `${baseId}-issues`;
  const [mode, setMode] = useState<Mode>("imagine");
  const [prompt, setPrompt] = useState("");
  const [announcement, setAnnouncement] = useState("");
  const [focusRequest, setFocusRequest] = useState(0);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const videoRef = useRef<VideoFormHandle>(null);
  const [binsOpen, setBinsOpen] = useState(false);
  const [editSource, setEditSource] = useState<EditSource | null>(null);
  // Image prompts sent inline (base64) with the imagine: the way local files become image prompts
  // where the upstream cannot host them.
  const references = useImageList(LIMITS.referenceImages);
  const { addUrl: addInline } = references;
  const uploads = useReferenceUploads({
    prompt,
    onHosted: useCallback((kind, url) => setPrompt((text) => addReference(text, kind, url)), []),
    onInline: useCallback((dataUrl) => addInline(dataUrl), [addInline]),
  });
  const { addFiles: uploadFiles, addLocalUrl } = uploads;
  /** Adds an image or code to a bin; false when it is not something that bin takes. */
  const addToBin = useCallback(
    (kind: ReferenceKind, value: string): boolean => {
      const hosted = hostingKind(kind, value);
      // A dropped link may be anything; only what the bin's field would take becomes prompt text.
      if (!hosted && !isReferenceValue(kind, value)) return false;
      if (hosted) addLocalUrl(hosted, value);
      else setPrompt((text) => addReference(text, kind, value));
      return true;
    },
    [addLocalUrl],
  );
  // Handed over from elsewhere ("Use as style"), the bins open to show where it went.
  const addReferenceValue = useCallback(
    (kind: ReferenceKind, value: string) => {
      if (addToBin(kind, value)) setBinsOpen(true);
    },
    [addToBin],
  );
  const drafts = useRef(new Map<ReferenceKind, TakeDraft>());
  // Dropped or pasted on the prompt bar, outside any bin, an image becomes an image prompt.
  const imagePromptTarget = useMemo(
    () => ({
      addFiles(files: readonly File[]) {
        setBinsOpen(true);
        uploadFiles("image", files);
      },
      addUrl: (url: string) => addReferenceValue("image", url),
    }),
    [uploadFiles, addReferenceValue],
  );
  usePastedImages(mode === "imagine", imagePromptTarget);

  // The Settings popover: whether it is open, and the sticky settings chosen in it, survive visits.
  const [storedOpen, storeOpen] = useStoredString(SETTINGS_OPEN_KEY);
  const [storedDefaults, storeDefaults] = useStoredString(DEFAULTS_KEY);
  const defaults = useMemo(() => cleanDefaults(storedDefaults ?? ""), [storedDefaults]);
  const settingsOpen = storedOpen === "1" && mode === "imagine";
  // Opened by a click, the popover takes focus; restored open on a visit, it leaves focus alone.
  const settingsClicked = useRef(false);

  // parsePrompt returns validatePrompt's issues too: one pass feeds the issue list.
  const parsed = useMemo(() => parsePrompt(prompt), [prompt]);
  // The controls show what will be sent: the prompt's parameters, and the defaults where it sets none.
  const effective = useMemo(() => parsePrompt(withDefaults(prompt, defaults)).params, [prompt, defaults]);
  const applied = pendingDefaults(prompt, defaults);
  /** A change in the Settings popover writes the prompt and becomes a default for the next prompts. */
  // Choosing a model writes two parameters in one event: the second write must see the first.
  const latestDefaults = useRef(defaults);
  useEffect(() => {
    latestDefaults.current = defaults;
  }, [defaults]);
  const changeSetting: PromptUpdate = (update) => {
    setPrompt(update);
    const next = cleanDefaults(update(latestDefaults.current));
    latestDefaults.current = next;
    storeDefaults(next === "" ? null : next);
  };
  const resetSettings = () => {
    setPrompt(withoutSettings);
    latestDefaults.current = "";
    storeDefaults(null);
  };
  // Warnings (a repeated parameter, stray words) are shown but do not block: Midjourney accepts them.
  const blocked = parsed.issues.some((issue) => issue.severity === "error");

  const focusPrompt = useCallback(() => {
    setMode("imagine");
    setFocusRequest((n) => n + 1);
  }, []);

  // Focus after the render that shows the Imagine panel: a hidden textarea cannot take focus.
  useEffect(() => {
    const textarea = textareaRef.current;
    if (focusRequest === 0 || !textarea) return;
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  }, [focusRequest]);

  useImperativeHandle(
    handleRef,
    () => ({
      setPrompt(text: string) {
        setMode("imagine");
        setPrompt(text);
      },
      addReference(kind: ImageReferenceKind, url: string) {
        setMode("imagine");
        addReferenceValue(kind, url);
      },
      focusPrompt,
      animate(frame: AnimateFrame) {
        setMode("video");
        videoRef.current?.animate(frame);
      },
      extend(target: ExtendTarget) {
        setMode("video");
        videoRef.current?.extend(target);
      },
      openEditor(source: EditSource) {
        setMode("edit");
        setEditSource(source);
      },
    }),
    [addReferenceValue, focusPrompt],
  );

  // "/" focuses the prompt from anywhere on the page, as on midjourney.com, unless the user is typing.
  useEffect(() => {
    function onKeyDown(event: globalThis.KeyboardEvent) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented)
        return;
      if (isTypingTarget(event.target)) return;
      event.preventDefault();
      focusPrompt();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [focusPrompt]);

  // Two Enters within one render would both see `submitting` false; the ref sees the first at once.
  const inFlight = useRef(false);
  /** Resolves to the submit's failure (the page's mutation has said why), null otherwise. */
  const submit = useCallback(
    async (request: SubmitRequest): Promise<unknown> => {
      if (inFlight.current) return null;
      const checked = SCHEMAS[request.kind].safeParse(request.body);
      if (!checked.success) {
        toast.error(checked.error.issues[0]?.message ?? t("invalidRequest"));
        return null;
      }
      inFlight.current = true;
      setAnnouncement("");
      try {
        await onSubmit(request);
        setAnnouncement(t("submitted", { mode: t(`modes.${request.kind}`) }));
        return null;
      } catch (error) {
        // The inputs stay so the user can retry.
        return error;
      } finally {
        inFlight.current = false;
      }
    },
    [onSubmit, t],
  );

  // An image still uploading is not in the prompt yet: submitting now would leave it out.
  const canImagine = !submitting && prompt.trim() !== "" && !blocked && references.ready && !uploads.busy;
  const referenceState: ReferenceState = {
    prompt,
    params: parsed.params,
    onPromptChange: setPrompt,
    uploads,
    inline: references,
    addReference: addReferenceValue,
    drafts,
  };
  const binsId = `${baseId}-references`;
  const appliedId = `${baseId}-applied`;
  // Why Imagine waits, and what it will leave out: a failed upload never reaches the prompt.
  const waiting = uploads.pending.filter((item) => item.state !== "failed").length;
  const notSent = uploads.pending.length - waiting;

  function submitImagine(event: FormEvent) {
    event.preventDefault();
    if (!canImagine) return;
    // What is typed in a bin but not added goes with the job, as Add would have put it; an invalid
    // entry holds the job (its bin says why), and a local image waits for its upload.
    const typed = [...drafts.current].map(([kind, take]) => [kind, take()] as const);
    if (typed.some(([, values]) => values === null)) return setBinsOpen(true);
    let text = prompt;
    let uploading = false;
    for (const [kind, values] of typed)
      for (const value of values ?? []) {
        const hosted = hostingKind(kind, value);
        if (hosted) {
          uploading = true;
          addLocalUrl(hosted, value);
        } else text = addReference(text, kind, value);
      }
    setPrompt(text);
    if (uploading) return setBinsOpen(true);
    const base64Array = references.images.flatMap((image) => (image.src ? [image.src] : []));
    // The box keeps what the user typed; the job carries the sticky settings the prompt does not set.
    const sent = withDefaults(text, defaults).trim();
    void submit({
      kind: "imagine",
      body: {
        prompt: sent,
        ...(parsePrompt(sent).params.niji !== null ? { botType: "NIJI_JOURNEY" as const } : {}),
        ...(base64Array.length > 0 ? { base64Array } : {}),
      },
    });
  }

  // On a phone the tabs scroll sideways: the chosen one (Edit after an Edit… far down the feed, say)
  // is brought into view, sideways only, so the page's own scroll is left alone.
  useEffect(() => {
    const tab = document.getElementById(`${baseId}-tab-${mode}`);
    const list = tab?.parentElement;
    if (!tab || !list) return;
    const shown = list.getBoundingClientRect();
    const chosen = tab.getBoundingClientRect();
    if (chosen.left < shown.left) list.scrollLeft -= shown.left - chosen.left;
    else if (chosen.right > shown.right) list.scrollLeft += chosen.right - shown.right;
  }, [baseId, mode]);

  // Roving focus across the tabs (WAI-ARIA tabs pattern, automatic activation).
  function onTabKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = MODES.indexOf(mode);
    const next =
      event.key === "ArrowRight"
        ? (index + 1) % MODES.length
        : event.key === "ArrowLeft"
          ? (index - 1 + MODES.length) % MODES.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? MODES.length - 1
              : null;
    if (next === null) return;
    event.preventDefault();
    const nextMode = MODES[next] ?? "imagine";
    setMode(nextMode);
    event.currentTarget.querySelector<HTMLElement>(`#${CSS.escape(`${baseId}-tab-${nextMode}`)}`)?.focus();
  }

  return (
    <section aria-label={t("title")} className="space-y-2">
      <div
        role="tablist"
        aria-label={t("modes.label")}
        onKeyDown={onTabKeyDown}
        className="inline-flex max-w-full gap-1 overflow-x-auto rounded-lg bg-zinc-200/70 p-1 dark:bg-zinc-800/70"
      >
        {MODES.map((value) => {
          const Icon = MODE_ICONS[value];
          const selected = value === mode;
          return (
            <button
              key={value}
              type="button"
              role="tab"
              id={`${baseId}-tab-${value}`}
              aria-selected={selected}
              aria-controls={`${baseId}-panel-${value}`}
              tabIndex={selected ? 0 : -1}
              onClick={() => setMode(value)}
              className={cn(
                "inline-flex min-h-9 shrink-0 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium whitespace-nowrap sm:px-3",
                selected
                  ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-950 dark:text-zinc-100"
                  : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
              )}
            >
              <Icon className="size-4" aria-hidden />
              {t(`modes.${value}`)}
            </button>
          );
        })}
      </div>

      {/* Every panel stays mounted while hidden, so switching tabs keeps what was typed and picked. */}
      <div
        role="tabpanel"
        id={`${baseId}-panel-imagine`}
        aria-labelledby={`${baseId}-tab-imagine`}
        hidden={mode !== "imagine"}
      >
        {/* noValidate: the bins check their own fields; the browser's check would block Imagine unseen. */}
        <form
          ref={formRef}
          noValidate
          onSubmit={submitImagine}
          onKeyDown={keepEnterFromSubmitting}
          className="space-y-1"
        >
          <PromptBar
            value={prompt}
            onChange={setPrompt}
            textareaRef={textareaRef}
            dropTarget={imagePromptTarget}
            dropZones={
              <ReferenceDropZones state={referenceState} add={(kind, url) => void addToBin(kind, url)} />
            }
            bins={<ReferenceBins id={binsId} hidden={!binsOpen} state={referenceState} />}
            tools={
              <>
                <ReferenceToggle
                  open={binsOpen}
                  onToggle={() => setBinsOpen(!binsOpen)}
                  controls={binsId}
                  counts={referenceCounts({ prompt, params: parsed.params, uploads, inline: references })}
                />
                <PopoverSheet
                  open={settingsOpen}
                  onOpenChange={(open) => storeOpen(open ? "1" : "0")}
                  title={t("bar.settingsTitle")}
                  // Below the whole bar, its width, never past the fold.
                  popoverClassName="absolute inset-x-0 top-full z-30 mt-2 max-h-[min(70dvh,44rem)]"
                  onOpenAutoFocus={(event) => {
                    if (!settingsClicked.current) event.preventDefault();
                    settingsClicked.current = false;
                  }}
                  // Typing the prompt or dragging in the bar while it is open keeps it open.
                  onInteractOutside={(event) => {
                    if (event.target instanceof Node && formRef.current?.contains(event.target))
                      event.preventDefault();
                  }}
                  trigger={
                    <button
                      type="button"
                      onClick={() => (settingsClicked.current = true)}
                      aria-describedby={applied.length > 0 ? appliedId : undefined}
                      className={buttonClasses({ className: "min-h-9 max-w-full whitespace-nowrap" })}
                    >
                      <SlidersHorizontal className="size-4 shrink-0" aria-hidden />
                      <span className="max-sm:sr-only">{t("bar.settings")}</span>
                      {applied.length > 0 && (
                        <span
                          aria-hidden
                          className="max-w-24 truncate rounded-full bg-sky-100 px-1.5 font-mono text-xs text-sky-900 sm:max-w-56 dark:bg-sky-900/60 dark:text-sky-100"
                        >
                          {applied.join(" ")}
                        </span>
                      )}
                    </button>
                  }
                >
                  <div className="space-y-4">
                    <div className="flex flex-wrap items-center gap-2">
                      <p className="min-w-0 flex-1 text-sm text-zinc-600 dark:text-zinc-400">
                        {t("bar.settingsHint")}
                      </p>
                      <button
                        type="button"
                        onClick={resetSettings}
                        className={buttonClasses({ size: "sm", className: "whitespace-nowrap" })}
                      >
                        <RotateCcw className="size-3.5" aria-hidden />
                        {t("bar.resetDefaults")}
                      </button>
                    </div>
                    <ParameterControls
                      params={effective}
                      issues={parsed.issues}
                      onPromptChange={changeSetting}
                    />
                  </div>
                </PopoverSheet>
              </>
            }
            invalid={blocked}
            describedBy={issuesId}
            submitting={submitting}
            canSubmit={canImagine}
            remix={remix}
            onRemixChange={onRemixChange}
          />
          <IssueList id={issuesId} issues={parsed.issues} onPromptChange={setPrompt}>
            {references.notice && (
              <li className="wrap-anywhere text-red-600 dark:text-red-400">{references.notice}</li>
            )}
            {waiting > 0 && (
              <li className="text-zinc-600 dark:text-zinc-400">{tRefs("waiting", { count: waiting })}</li>
            )}
            {notSent > 0 && (
              <li className="text-amber-700 dark:text-amber-400">{tRefs("notSent", { count: notSent })}</li>
            )}
          </IssueList>
          {applied.length > 0 && (
            <p id={appliedId} className="sr-only">
              {t("bar.defaultsApplied", { params: applied.join(" ") })}
            </p>
          )}
        </form>
      </div>
      <div
        role="tabpanel"
        id={`${baseId}-panel-describe`}
        aria-labelledby={`${baseId}-tab-describe`}
        hidden={mode !== "describe"}
      >
        <DescribeForm
          active={mode === "describe"}
          submitting={submitting}
          onSubmit={(body) => void submit({ kind: "describe", body })}
        />
      </div>
      <div
        role="tabpanel"
        id={`${baseId}-panel-blend`}
        aria-labelledby={`${baseId}-tab-blend`}
        hidden={mode !== "blend"}
      >
        <BlendForm
          active={mode === "blend"}
          submitting={submitting}
          onSubmit={(body) => void submit({ kind: "blend", body })}
        />
      </div>
      <div
        role="tabpanel"
        id={`${baseId}-panel-video`}
        aria-labelledby={`${baseId}-tab-video`}
        hidden={mode !== "video"}
        // Enter in the video form's fields (a checkbox, a frame's URL) is theirs, not a job.
        onKeyDown={keepEnterFromSubmitting}
      >
        <VideoForm
          handleRef={videoRef}
          active={mode === "video"}
          submitting={submitting}
          onSubmit={(body) => void submit({ kind: "video", body })}
        />
      </div>

      <div
        role="tabpanel"
        id={`${baseId}-panel-edit`}
        aria-labelledby={`${baseId}-tab-edit`}
        hidden={mode !== "edit"}
      >
        <EditorPanel
          active={mode === "edit"}
          source={editSource}
          onSourceChange={setEditSource}
          submitting={submitting}
          onSubmit={submit}
        />
      </div>

      <p role="status" className="sr-only">
        {announcement}
      </p>
    </section>
  );
}
