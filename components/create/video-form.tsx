"use client";

import { Clapperboard, FastForward, ImageIcon, Loader2, RotateCcw, X } from "lucide-react";
import { useTranslations } from "next-intl";
import {
  useCallback,
  useEffect,
  useId,
  useImperativeHandle,
  useRef,
  useState,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type Ref,
} from "react";
import { Button } from "@/components/ui/button";
import { fieldClasses } from "@/components/ui/field";
import { SegmentedRadio } from "@/components/ui/segmented-radio";
import { fetchMedia, mediaTaskId } from "@/lib/api/client";
import { cropQuadrantOf } from "@/lib/images/crop";
import { VIDEO_EXTEND_SECONDS } from "@/lib/images/grid";
import { SPEEDS, type Speed } from "@/lib/mj/prompt-params";
import {
  VIDEO_BATCH_SIZES,
  VIDEO_MOTIONS,
  VIDEO_TYPES,
  videoRequestSchema,
  type VideoRequest,
} from "@/lib/mj/requests";
import { ImageDropZone, ImagePickerButton, pastedImageFiles, usePastedImages } from "./reference-images";
import { isHttpUrl, isReferenceValue, needsHosting } from "./references";
import { useReferenceUploads, type PendingReference } from "./use-reference-uploads";
import {
  extendBody,
  newVideoBody,
  videoNotes,
  videoSpeed,
  withVideoSpeed,
  type AnimateFrame,
  type ExtendTarget,
  type VideoBatchSize,
  type VideoMotion,
  type VideoQuality,
} from "./video-request";

/** What the composer may do to the video form: "Animate…" and "Extend…" from elsewhere on the page. */
export interface VideoFormHandle {
  /** Makes an image the start frame of a new video. */
  animate(frame: AnimateFrame): void;
  /** Switches the form to extending a clip. */
  extend(target: ExtendTarget): void;
}

const QUADRANTS = [1, 2, 3, 4] as const;

/**
 * One frame of a video (start or end) on its way to the upstream: an upload (file, drop, paste),
 * a typed URL, or an image of the app's own. Midjourney fetches frames by URL, so the app's own
 * images and local files are downscaled and hosted by the upstream first, falling back to inline
 * base64 where it cannot host them: the reference uploads of the imagine composer, reused.
 */
interface Frame {
  /** What is sent, once known: a hosted URL, an inline data URL, or a typed http(s) URL. */
  value: string | null;
  /** A picture of it the page may show (the page's CSP loads no other site's images). */
  preview: string | null;
  name: string | null;
  /** The task it is an image of: a new video's lineage. */
  sourceTaskId: string | null;
  /** The grid it is one image of, so another of its images can be picked. */
  grid: (AnimateFrame & { quadrant: number }) | null;
  typed: string;
  /** The typed text is no image URL. */
  typedInvalid: boolean;
  /** The upload in progress, or failed with its reason. */
  pending: PendingReference | null;
  /** Still being prepared or uploaded: not ready to send. */
  busy: boolean;
  pickFiles(files: readonly File[]): void;
  /** A dropped link, or the app's own image. */
  pickUrl(url: string): void;
  fromImage(frame: AnimateFrame): void;
  setTyped(text: string): void;
  /** A typed app URL is hosted like a dropped one (on Enter or leaving the field). */
  commitTyped(): void;
  clear(): void;
  retry(): void;
}

function useFrame(): Frame {
  const tImages = useTranslations("prompt.images");
  const [chosen, setChosen] = useState<{ value: string; sourceTaskId: string | null } | null>(null);
  const [typed, setTypedText] = useState("");
  const [grid, setGrid] = useState<Frame["grid"]>(null);
  // The lineage of the image being uploaded, read when the upload answers.
  const source = useRef<string | null>(null);
  const uploads = useReferenceUploads({
    prompt: chosen?.value ?? "",
    onHosted: useCallback((_kind, url) => setChosen({ value: url, sourceTaskId: source.current }), []),
    onInline: useCallback(
      (dataUrl: string) => setChosen({ value: dataUrl, sourceTaskId: source.current }),
      [],
    ),
  });
  const { pending, previews, remove, addFiles, addLocalUrl, addBlob, retry } = uploads;

  const clear = () => {
    for (const item of pending) remove(item.id);
    source.current = null;
    setChosen(null);
    setTypedText("");
    setGrid(null);
  };
  const pickUrl = (url: string, sourceTaskId: string | null = null) => {
    clear();
    const origin = window.location.origin;
    if (needsHosting(url, origin)) {
      source.current = sourceTaskId ?? mediaTaskId(url, origin);
      addLocalUrl("image", url);
    } else {
      setTypedText(url);
    }
  };
  const fromImage = (frame: AnimateFrame) => {
    if (frame.quadrant === null) return pickUrl(frame.url, frame.sourceTaskId);
    const { quadrant } = frame;
    clear();
    source.current = frame.sourceTaskId ?? mediaTaskId(frame.url, window.location.origin);
    setGrid({ ...frame, quadrant });
    addBlob("image", tImages("unnamed"), async () => cropQuadrantOf(await fetchMedia(frame.url), quadrant));
  };

  const text = typed.trim();
  const typedHosted = text !== "" && needsHosting(text, window.location.origin);
  const typedValue = text !== "" && isHttpUrl(text) && !typedHosted ? text : null;
  const value = chosen?.value ?? typedValue;
  const item = pending.at(-1) ?? null;
  const hosted = chosen ? previews.get(chosen.value) : undefined;
  return {
    value,
    preview: hosted?.src ?? (value?.startsWith("data:") ? value : (item?.dataUrl ?? null)),
    name: hosted?.name ?? item?.name ?? null,
    sourceTaskId: chosen?.sourceTaskId ?? null,
    grid,
    typed,
    typedInvalid: text !== "" && !isReferenceValue("image", text),
    pending: item,
    busy: pending.some((entry) => entry.state !== "failed"),
    pickFiles: (files) => {
      clear();
      addFiles("image", files.slice(0, 1));
    },
    pickUrl,
    fromImage,
    setTyped: (next) => {
      for (const entry of pending) remove(entry.id);
      setChosen(null);
      setGrid(null);
      setTypedText(next);
    },
    commitTyped: () => {
      if (typedHosted) pickUrl(text);
    },
    clear,
    retry: () => {
      if (item) retry(item.id);
    },
  };
}

/** Enter in a frame's URL field takes the URL rather than submitting the job. */
function commitOnEnter(frame: Frame) {
  return (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== "Enter" || event.nativeEvent.isComposing) return;
    event.preventDefault();
    frame.commitTyped();
  };
}

function FramePicker({
  frame,
  label,
  name,
  disabled = false,
  note,
}: {
  frame: Frame;
  label: string;
  /** Which frame: its controls are named after it ("Upload end frame"). */
  name: "start" | "end";
  disabled?: boolean;
  /** Why the frame is off, or what it is for. */
  note?: string | null;
}) {
  const t = useTranslations("video");
  const id = useId();
  const urlId = `${id}-url`;
  const urlErrorId = `${id}-url-error`;
  const noteId = `${id}-note`;
  const { pending } = frame;
  const working = pending && pending.state !== "failed" ? pending : null;
  const target = disabled
    ? { addFiles: () => undefined, addUrl: () => undefined }
    : { addFiles: frame.pickFiles, addUrl: (url: string) => frame.pickUrl(url) };

  return (
    <fieldset
      disabled={disabled}
      aria-describedby={note ? noteId : undefined}
      className="min-w-0 space-y-2 disabled:opacity-60"
    >
      <legend className="mb-1 text-sm font-medium">{label}</legend>
      <ImageDropZone
        list={target}
        className="space-y-2 rounded-xl border-2 border-dashed border-zinc-300 bg-white p-2 dark:border-zinc-700 dark:bg-zinc-900"
      >
        {/* A fixed box: a frame appearing or changing never moves what is below. */}
        <div className="relative flex h-36 w-full items-center justify-center overflow-hidden rounded-md bg-zinc-100 sm:h-44 dark:bg-zinc-800">
          {frame.preview ? (
            // eslint-disable-next-line @next/next/no-img-element -- a local data URL, nothing for next/image to optimise
            <img
              src={frame.preview}
              alt={t("frameAlt", { frame: name, name: frame.name ?? t("image") })}
              className="h-full w-full object-contain"
            />
          ) : (
            <p className="flex flex-col items-center gap-2 px-3 text-center text-xs text-zinc-600 dark:text-zinc-400">
              <ImageIcon className="size-5" aria-hidden />
              {frame.value ? t("noPreview") : t("dropHint")}
            </p>
          )}
          {working && (
            <span className="absolute inset-0 flex items-center justify-center bg-black/30" role="status">
              <Loader2 className="size-6 animate-spin text-white" aria-hidden />
              <span className="sr-only">
                {t(working.state === "uploading" ? "uploading" : "preparing", { frame: name })}
              </span>
            </span>
          )}
          {(frame.value || pending) && (
            <button
              type="button"
              onClick={frame.clear}
              aria-label={t("remove", { frame: name })}
              title={t("remove", { frame: name })}
              className="absolute top-1 right-1 rounded-full bg-black/60 p-1.5 text-white hover:bg-black/80"
            >
              <X className="size-4" aria-hidden />
            </button>
          )}
        </div>
        <ImagePickerButton
          label={t("upload")}
          ariaLabel={t("uploadFrame", { frame: name })}
          list={target}
          multiple={false}
          disabled={disabled}
        />
      </ImageDropZone>
      {pending?.state === "failed" && (
        <p role="alert" className="flex flex-wrap items-center gap-2 text-sm text-red-600 dark:text-red-400">
          <span className="wrap-anywhere">{pending.error}</span>
          {pending.retryable && (
            <Button size="sm" onClick={frame.retry}>
              <RotateCcw className="size-3.5" aria-hidden />
              {t("retry")}
            </Button>
          )}
        </p>
      )}
      {frame.grid && (
        <SegmentedRadio
          legend={t("gridImage")}
          options={QUADRANTS.map((n) => ({ value: String(n), label: n }))}
          value={String(frame.grid.quadrant)}
          onChange={(value) => frame.grid && frame.fromImage({ ...frame.grid, quadrant: Number(value) })}
        />
      )}
      <div className="space-y-1">
        <label htmlFor={urlId} className="text-sm">
          {t("url", { frame: name })}
        </label>
        <input
          id={urlId}
          type="url"
          inputMode="url"
          placeholder="https://…"
          value={frame.typed}
          aria-invalid={frame.typedInvalid}
          aria-describedby={urlErrorId}
          onChange={(event) => frame.setTyped(event.target.value)}
          onBlur={frame.commitTyped}
          onKeyDown={commitOnEnter(frame)}
          className={fieldClasses("w-full")}
        />
        <p id={urlErrorId} aria-live="polite" className="text-sm text-red-600 empty:hidden dark:text-red-400">
          {frame.typedInvalid ? t("urlInvalid") : null}
        </p>
      </div>
      {note && (
        <p id={noteId} className="text-xs text-zinc-600 dark:text-zinc-400">
          {note}
        </p>
      )}
    </fieldset>
  );
}

const SPEED_OPTIONS = ["default", ...SPEEDS] as const;

/**
 * The Video mode of the composer (§3.7): a start frame from an upload, a URL or any image of the
 * app, an optional end frame or a loop, motion, batch, resolution, speed and an optional motion
 * prompt; or, handed a finished clip, its extend. It builds and checks the body with the schema
 * the server applies; the composer submits it.
 */
export function VideoForm({
  active,
  submitting,
  onSubmit,
  handleRef,
}: {
  active: boolean;
  submitting: boolean;
  /** The composer validates, submits and reports failures. */
  onSubmit(body: VideoRequest): void;
  handleRef?: Ref<VideoFormHandle>;
}) {
  const t = useTranslations("video");
  const tParams = useTranslations("prompt.params");
  const id = useId();
  const start = useFrame();
  const end = useFrame();
  const [extending, setExtending] = useState<ExtendTarget | null>(null);
  const [prompt, setPrompt] = useState("");
  const [loop, setLoop] = useState(false);
  const [motion, setMotion] = useState<VideoMotion>("low");
  const [batchSize, setBatchSize] = useState<VideoBatchSize>(4);
  const [quality, setQuality] = useState<VideoQuality>("sd");
  const formRef = useRef<HTMLFormElement>(null);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const { fromImage } = start;

  useImperativeHandle(
    handleRef,
    () => ({
      animate(frame) {
        setExtending(null);
        fromImage(frame);
        setFocusRequest((n) => n + 1);
      },
      extend(target) {
        setExtending(target);
        setFocusRequest((n) => n + 1);
      },
    }),
    [fromImage],
  );

  // Handed an image or a clip, the keyboard goes on where the job is described: the motion prompt.
  // After the render that shows the panel, since a hidden field cannot take focus.
  useEffect(() => {
    if (focusRequest > 0) promptRef.current?.focus({ preventScroll: true });
  }, [focusRequest]);

  // Pasted anywhere, an image is the start frame; pasted in the end frame's box, the end frame.
  usePastedImages(active && extending === null, { addFiles: start.pickFiles });
  function pasteEnd(event: ClipboardEvent<HTMLDivElement>) {
    const files = pastedImageFiles(event.nativeEvent);
    if (files.length === 0 || loop) return;
    event.preventDefault();
    end.pickFiles(files);
  }

  const speed = videoSpeed(prompt);
  const body = extending
    ? extendBody(extending, { prompt, motion })
    : newVideoBody({
        prompt,
        motion,
        image: start.value,
        endImage: end.value,
        loop,
        batchSize,
        quality,
        sourceTaskId: start.sourceTaskId,
      });
  const checked = videoRequestSchema.safeParse(body);
  const notes = videoNotes(prompt, extending ? "sd" : quality);
  const frames = extending ? [] : loop ? [start] : [start, end];
  const uploading = frames.some((frame) => frame.busy);
  const typedInvalid = frames.some((frame) => frame.typedInvalid);
  const needsStart = !extending && start.value === null && !start.busy;
  // The first reason the job cannot go yet, in the user's words where the app knows them.
  const blocker = needsStart
    ? t("needsStart")
    : uploading
      ? t("waiting")
      : typedInvalid
        ? t("urlInvalid")
        : !checked.success
          ? t("refused", { message: checked.error.issues[0]?.message ?? "" })
          : null;
  const canSubmit = !submitting && blocker === null && !notes.some((note) => note.severity === "error");
  const statusId = `${id}-status`;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (canSubmit && checked.success) onSubmit(checked.data);
  }

  // Enter in the prompt animates, Shift+Enter adds a line, as the imagine prompt does.
  function onPromptKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    formRef.current?.requestSubmit();
  }

  const seconds = extending?.seconds ?? null;

  return (
    <form ref={formRef} noValidate onSubmit={submit} className="space-y-4">
      {extending ? (
        <section
          aria-labelledby={`${id}-extend-title`}
          className="flex flex-wrap items-center gap-3 rounded-xl border border-zinc-300 bg-white p-2 dark:border-zinc-700 dark:bg-zinc-900"
        >
          {extending.poster && (
            // eslint-disable-next-line @next/next/no-img-element -- a poster from the app's media cache
            <img
              src={extending.poster}
              alt=""
              // A clip the task does not list has no poster of its own: no broken picture then.
              onError={(event) => (event.currentTarget.hidden = true)}
              className="h-16 w-24 shrink-0 rounded-md bg-zinc-100 object-cover dark:bg-zinc-800"
            />
          )}
          <div className="min-w-0 flex-1 text-sm">
            <p id={`${id}-extend-title`} className="font-medium">
              {t("extendTitle", { n: extending.index + 1, id: extending.taskId.slice(-6) })}
            </p>
            <p className="text-zinc-600 dark:text-zinc-400">
              {seconds !== null
                ? t("extendLength", {
                    from: Math.round(seconds),
                    to: Math.round(seconds) + VIDEO_EXTEND_SECONDS,
                  })
                : t("extendMore", { seconds: VIDEO_EXTEND_SECONDS })}
            </p>
          </div>
          <Button variant="ghost" onClick={() => setExtending(null)}>
            {t("newInstead")}
          </Button>
        </section>
      ) : (
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <FramePicker frame={start} label={t("start")} name="start" />
          <div onPaste={pasteEnd}>
            <FramePicker
              frame={end}
              label={t("endOptional")}
              name="end"
              disabled={loop}
              note={loop ? t("loopNote") : t("endNote")}
            />
          </div>
        </div>
      )}

      <div className="space-y-1">
        <label htmlFor={`${id}-prompt`} className="text-sm font-medium">
          {t("prompt")}
        </label>
        <textarea
          ref={promptRef}
          id={`${id}-prompt`}
          rows={2}
          value={prompt}
          placeholder={t("promptPlaceholder")}
          onChange={(event) => setPrompt(event.target.value)}
          onKeyDown={onPromptKeyDown}
          className={fieldClasses("block w-full resize-y")}
        />
      </div>

      <div className="flex flex-wrap items-start gap-x-6 gap-y-3">
        {!extending && (
          <label className="flex min-h-8 items-center gap-2 self-end text-sm">
            <input
              type="checkbox"
              checked={loop}
              onChange={(event) => setLoop(event.target.checked)}
              className="size-4 accent-sky-600"
            />
            {t("loop")}
          </label>
        )}
        <SegmentedRadio
          legend={t("motion")}
          options={VIDEO_MOTIONS.map((value) => ({ value, label: t(`motionValue.${value}`) }))}
          value={motion}
          onChange={setMotion}
        />
        {!extending && (
          <>
            <SegmentedRadio
              legend={t("batch")}
              options={VIDEO_BATCH_SIZES.map((value) => ({ value: String(value), label: value }))}
              value={String(batchSize)}
              onChange={(value) => setBatchSize(Number(value) as VideoBatchSize)}
            />
            <SegmentedRadio
              legend={t("quality")}
              options={(Object.keys(VIDEO_TYPES) as VideoQuality[]).map((value) => ({
                value,
                label: t(`qualityValue.${value}`),
              }))}
              value={quality}
              onChange={setQuality}
            />
          </>
        )}
        <SegmentedRadio
          legend={tParams("speed")}
          options={SPEED_OPTIONS.map((value) => ({ value, label: tParams(`speedValue.${value}`) }))}
          value={speed ?? "default"}
          invalid={notes.some((note) => note.code === "speed_conflict")}
          onChange={(value) =>
            setPrompt((text) => withVideoSpeed(text, value === "default" ? null : (value as Speed)))
          }
        />
      </div>

      {notes.length > 0 && (
        <ul className="space-y-1 text-sm">
          {notes.map((note) => (
            <li
              key={note.code}
              className={
                note.severity === "error"
                  ? "text-red-600 dark:text-red-400"
                  : "text-amber-700 dark:text-amber-400"
              }
            >
              {note.code === "hd_fast_only"
                ? t("notes.hd_fast_only")
                : t(`notes.${note.code}`, { flags: note.flags })}
            </li>
          ))}
        </ul>
      )}

      <div className="flex flex-wrap items-center justify-end gap-3">
        <p
          id={statusId}
          aria-live="polite"
          className="min-w-0 flex-1 text-sm text-zinc-600 dark:text-zinc-400"
        >
          {blocker}
        </p>
        <Button type="submit" variant="primary" disabled={!canSubmit} aria-describedby={statusId}>
          {submitting ? (
            <Loader2 className="size-4 animate-spin" aria-hidden />
          ) : extending ? (
            <FastForward className="size-4" aria-hidden />
          ) : (
            <Clapperboard className="size-4" aria-hidden />
          )}
          {extending ? t("submitExtend") : t("submit")}
        </Button>
      </div>
    </form>
  );
}
