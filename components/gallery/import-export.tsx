"use client";

import { FileArchive, Import, Loader2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Button, buttonClasses } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { fieldClasses } from "@/components/ui/field";
import { exportUrl } from "@/lib/api/client";
import { useImportHistory } from "@/lib/api/mutations";

/**
 * Bringing history in and out: export everything as one archive, restore such an archive (from
 * this or another instance; nothing is duplicated), or import tasks made with other tools by id.
 */
export function ImportExport() {
  const t = useTranslations("gallery.transfer");
  const id = useId();
  const [open, setOpen] = useState(false);
  const [ids, setIds] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const importing = useImportHistory({
    onSuccess: (result) => {
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
    },
  });
  const busy = importing.isPending;

  function importIds(event: FormEvent) {
    event.preventDefault();
    const list = ids.split(/[\s,]+/).filter(Boolean);
    if (list.length > 0) importing.mutate({ ids: list });
  }

  function importArchive(event: FormEvent) {
    event.preventDefault();
    if (file) importing.mutate({ archive: file });
  }

  return (
    <div className="ml-auto flex flex-wrap gap-2">
      <a href={exportUrl()} download className={buttonClasses()}>
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
              className={fieldClasses("w-full p-2 font-mono text-xs")}
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
