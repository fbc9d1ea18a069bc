"use client";

import { FileArchive, Import, Loader2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { fetchJson } from "@/lib/api/fetch-json";
import { z } from "zod";

/** `{imported, skipped, invalid}` from an archive, `{imported, missing}` from an import by id. */
const importResultSchema = z
  .object({
    imported: z.number(),
    skipped: z.number().default(0),
    invalid: z.number().default(0),
    missing: z.array(z.string()).default([]),
  })
  .loose();

/**
 * Bringing history in and out: export everything as one archive, restore such an archive (from
 * this or another instance; nothing is duplicated), or import tasks made with other tools by id.
 */
export function ImportExport({ onImported }: { onImported(): Promise<void> }) {
  const t = useTranslations("gallery.transfer");
  const id = useId();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [ids, setIds] = useState("");
  const [file, setFile] = useState<File | null>(null);

  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    try {
      const result = importResultSchema.parse(await work());
      // Every count the server gives, so "0 imported" is never a mystery.
      const details = [
        result.skipped > 0 && t("alreadyHere", { count: result.skipped }),
        result.invalid > 0 && t("unreadable", { count: result.invalid }),
        result.missing.length > 0 && t("notFound", { count: result.missing.length }),
      ].filter((line): line is string => typeof line === "string");
      toast.success(t("imported", { count: result.imported }), {
        description: details.length > 0 ? details.join(" · ") : undefined,
      });
      setOpen(false);
      setIds("");
      setFile(null);
      await onImported();
    } catch (error) {
      toast.error(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  function importIds(event: FormEvent) {
    event.preventDefault();
    const list = ids.split(/[\s,]+/).filter(Boolean);
    if (list.length === 0) return;
    void run(() => fetchJson("/api/tasks/import", { method: "POST", body: JSON.stringify({ ids: list }) }));
  }

  function importArchive(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    void run(() =>
      fetchJson("/api/tasks/import-archive", {
        method: "POST",
        body: file,
        headers: { "content-type": "application/zip" },
      }),
    );
  }

  return (
    <div className="ml-auto flex flex-wrap gap-2">
      <a
        href="/api/tasks/export"
        download
        className="inline-flex items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
      >
        <FileArchive className="size-4" aria-hidden />
        {t("exportAll")}
      </a>
      <Button onClick={() => setOpen(true)}>
        <Import className="size-4" aria-hidden />
        {t("import")}
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={t("importTitle")}>
        <div className="space-y-5 text-sm">
          <form onSubmit={importArchive} className="space-y-2">
            <label htmlFor={`${id}-file`} className="block font-medium">
              {t("archive")}
            </label>
            <p className="text-zinc-500">{t("archiveHint")}</p>
            <input
              id={`${id}-file`}
              type="file"
              accept=".zip,application/zip"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
              className="block w-full text-sm"
            />
            <Button type="submit" variant="primary" disabled={busy || !file}>
              {busy ? <Loader2 className="size-4 animate-spin" aria-hidden /> : null}
              {t("restore")}
            </Button>
          </form>
          <form onSubmit={importIds} className="space-y-2">
            <label htmlFor={`${id}-ids`} className="block font-medium">
              {t("ids")}
            </label>
            <p className="text-zinc-500">{t("idsHint")}</p>
            <textarea
              id={`${id}-ids`}
              value={ids}
              onChange={(event) => setIds(event.target.value)}
              rows={3}
              className="w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
            />
            <Button type="submit" variant="primary" disabled={busy || ids.trim() === ""}>
              {t("importIds")}
            </Button>
          </form>
        </div>
      </Dialog>
    </div>
  );
}
