"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ApiError, fetchJson } from "@/lib/api/fetch-json";

/** Password sign-in; on success a full page load of `next` (a same-origin path) with the new cookie. */
export function LoginForm({ next }: { next: string }) {
  const t = useTranslations("auth");
  const passwordId = useId();
  const errorId = useId();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await fetchJson("/api/auth/login", { method: "POST", body: JSON.stringify({ password }) });
      window.location.assign(next);
    } catch (caught) {
      setPending(false);
      if (caught instanceof ApiError && caught.status === 401) setError(t("wrongPassword"));
      else if (caught instanceof ApiError && caught.status === 429) setError(t("tooMany"));
      else setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      <div className="space-y-1">
        <label htmlFor={passwordId} className="text-sm font-medium">
          {t("password")}
        </label>
        <input
          id={passwordId}
          type="password"
          autoComplete="current-password"
          autoFocus
          required
          value={password}
          aria-invalid={error !== null}
          aria-describedby={errorId}
          onChange={(event) => setPassword(event.target.value)}
          className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <p id={errorId} role="alert" className="min-h-5 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      </div>
      <Button type="submit" variant="primary" disabled={pending || password === ""} className="w-full">
        {pending ? t("pending") : t("submit")}
      </Button>
    </form>
  );
}
