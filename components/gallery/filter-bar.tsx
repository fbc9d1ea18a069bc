"use client";

import { Search } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { fieldClasses } from "@/components/ui/field";
import {
  EMPTY_FILTERS,
  GALLERY_ACTIONS,
  GALLERY_ASPECTS,
  GALLERY_STATUSES,
  type GalleryFilters,
  type GalleryStatus,
} from "@/lib/api/gallery-filters";
import { MODELS } from "@/lib/mj/models";
import { SPEEDS, type Speed } from "@/lib/mj/prompt-params";

/** Typing pauses this long before the search reaches the URL (and the server). */
const SEARCH_DEBOUNCE_MS = 300;

/** Search, filters and sort of the gallery; every change goes to the URL through `onChange`. */
export function FilterBar({
  filters,
  onChange,
}: {
  filters: GalleryFilters;
  onChange(next: GalleryFilters): void;
}) {
  const t = useTranslations("gallery.filters");
  const id = useId();
  // The controls answer at once from a draft; the URL (the source of truth) follows
  // asynchronously, and back/forward or a shared link replace the draft.
  const [draft, setDraft] = useState(filters);
  const [text, setText] = useState(filters.q);
  const [seen, setSeen] = useState(filters);
  if (JSON.stringify(seen) !== JSON.stringify(filters)) {
    setSeen(filters);
    setDraft(filters);
    setText(filters.q);
  }

  useEffect(() => {
    if (text === draft.q) return;
    const timer = setTimeout(() => {
      const next = { ...draft, q: text };
      setDraft(next);
      onChange(next);
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, draft, onChange]);

  const set = <K extends keyof GalleryFilters>(key: K, value: GalleryFilters[K]) => {
    const next = { ...draft, q: text, [key]: value };
    setDraft(next);
    onChange(next);
  };
  // The open folder is chosen in the folder panel, not here: Reset keeps it.
  const active =
    JSON.stringify({ ...draft, q: text }) !== JSON.stringify({ ...EMPTY_FILTERS, folder: draft.folder });

  return (
    <div role="search" className="flex flex-wrap items-end gap-2" aria-label={t("label")}>
      <label className="relative min-w-48 flex-1">
        <span className="sr-only">{t("search")}</span>
        <Search className="pointer-events-none absolute top-2 left-2 size-4 text-zinc-400" aria-hidden />
        <input
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") set("q", text);
          }}
          placeholder={t("searchPlaceholder")}
          aria-label={t("search")}
          maxLength={200}
          className={fieldClasses("w-full pl-8")}
        />
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        {t("action")}
        <select
          value={draft.action}
          onChange={(event) => set("action", event.target.value)}
          className={fieldClasses()}
        >
          <option value="">{t("all")}</option>
          {GALLERY_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {t(`actions.${action}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        {t("status")}
        <select
          value={draft.status}
          onChange={(event) => set("status", event.target.value as GalleryStatus | "")}
          className={fieldClasses()}
        >
          <option value="">{t("all")}</option>
          {(Object.keys(GALLERY_STATUSES) as GalleryStatus[]).map((status) => (
            <option key={status} value={status}>
              {t(`statuses.${status}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        {t("model")}
        <select
          value={draft.model}
          onChange={(event) => set("model", event.target.value)}
          className={fieldClasses()}
        >
          <option value="">{t("all")}</option>
          <option value="default">{t("defaultModel")}</option>
          {MODELS.map((model) => (
            <option key={model.id} value={model.id}>
              {model.label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        {t("aspect")}
        <select
          value={draft.aspect}
          onChange={(event) => set("aspect", event.target.value)}
          className={fieldClasses()}
        >
          <option value="">{t("all")}</option>
          {/* A ratio from a shared URL that the list does not offer still shows as chosen. */}
          {[...new Set([...GALLERY_ASPECTS, ...(draft.aspect ? [draft.aspect] : [])])].map((aspect) => (
            <option key={aspect} value={aspect}>
              {aspect}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        {t("speed")}
        <select
          value={draft.speed}
          onChange={(event) => set("speed", event.target.value as Speed | "")}
          className={fieldClasses()}
        >
          <option value="">{t("all")}</option>
          {SPEEDS.map((speed) => (
            <option key={speed} value={speed}>
              {t(`speeds.${speed}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        {t("sref")}
        <select
          value={draft.sref}
          onChange={(event) => set("sref", event.target.value as GalleryFilters["sref"])}
          className={fieldClasses()}
        >
          <option value="">{t("all")}</option>
          <option value="true">{t("srefWith")}</option>
          <option value="false">{t("srefWithout")}</option>
        </select>
      </label>
      <label className="flex flex-col text-xs text-zinc-500" htmlFor={`${id}-from`}>
        {t("from")}
        <input
          id={`${id}-from`}
          type="date"
          value={draft.from}
          max={draft.to || undefined}
          onChange={(event) => set("from", event.target.value)}
          className={fieldClasses()}
        />
      </label>
      <label className="flex flex-col text-xs text-zinc-500" htmlFor={`${id}-to`}>
        {t("to")}
        <input
          id={`${id}-to`}
          type="date"
          value={draft.to}
          min={draft.from || undefined}
          onChange={(event) => set("to", event.target.value)}
          className={fieldClasses()}
        />
      </label>
      <label className="flex flex-col text-xs text-zinc-500">
        {t("sort")}
        <select
          value={draft.sort}
          onChange={(event) => set("sort", event.target.value === "oldest" ? "oldest" : "newest")}
          className={fieldClasses()}
        >
          <option value="newest">{t("newest")}</option>
          <option value="oldest">{t("oldest")}</option>
        </select>
      </label>
      <label className="flex items-center gap-1.5 py-1.5 text-sm">
        <input
          type="checkbox"
          checked={draft.favorite}
          onChange={(event) => set("favorite", event.target.checked)}
          className="size-4 accent-sky-600"
        />
        {t("favorites")}
      </label>
      <label className="flex items-center gap-1.5 py-1.5 text-sm">
        <input
          type="checkbox"
          checked={draft.video}
          onChange={(event) => set("video", event.target.checked)}
          className="size-4 accent-sky-600"
        />
        {t("video")}
      </label>
      <label className="flex items-center gap-1.5 py-1.5 text-sm">
        <input
          type="checkbox"
          checked={draft.hidden}
          onChange={(event) => set("hidden", event.target.checked)}
          className="size-4 accent-sky-600"
        />
        {t("hidden")}
      </label>
      {active && (
        <Button variant="ghost" onClick={() => onChange({ ...EMPTY_FILTERS, folder: draft.folder })}>
          {t("reset")}
        </Button>
      )}
    </div>
  );
}
