"use client";

import { useQueryClient } from "@tanstack/react-query";
import { LogOut } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { fetchJson } from "@/lib/api/fetch-json";

/** Ends the session, forgets every cached task and goes to the login page. */
export function LogoutButton() {
  const t = useTranslations("auth");
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        try {
          await fetchJson("/api/auth/logout", { method: "POST" });
          queryClient.clear();
          router.replace("/login");
          router.refresh();
        } catch (error) {
          setPending(false);
          toast.error(error instanceof Error ? error.message : String(error));
        }
      }}
      aria-label={t("logout")}
      title={t("logout")}
      className="rounded-md p-2 hover:bg-zinc-200 disabled:opacity-60 dark:hover:bg-zinc-800"
    >
      <LogOut className="size-4" aria-hidden />
    </button>
  );
}
