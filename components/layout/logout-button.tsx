"use client";

import { LogOut } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { IconButton } from "@/components/ui/icon-button";
import { useLogout } from "@/lib/api/mutations";

/** Ends the session, forgets every cached task and goes to the login page. */
export function LogoutButton() {
  const t = useTranslations("auth");
  const router = useRouter();
  const loggingOut = useLogout({
    onSuccess: () => {
      router.replace("/login");
      router.refresh();
    },
  });
  return (
    // After success the page is leaving: the button stays busy until it has.
    <IconButton
      label={t("logout")}
      disabled={loggingOut.isPending || loggingOut.isSuccess}
      onClick={() => loggingOut.mutate()}
    >
      <LogOut className="size-4" aria-hidden />
    </IconButton>
  );
}
