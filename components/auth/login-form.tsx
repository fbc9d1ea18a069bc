"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { fieldClasses } from "@/components/ui/field";
import { useErrorText } from "@/lib/api/error-text";
import { ApiError } from "@/lib/api/fetch-json";
import { useLogin } from "@/lib/api/mutations";

/** Password sign-in; on success a full page load of `next` (a same-origin path) with the new cookie. */
export function LoginForm({ next }: { next: string }) {
  const t = useTranslations("auth");
  const passwordId = useId();
  const errorId = useId();
  const errorText = useErrorText();
  const [password, setPassword] = useState("");
  const signingIn = useLogin({ onSuccess: () => window.location.assign(next) });
  // After success the page is leaving: the form stays busy until it has.
  const pending = signingIn.isPending || signingIn.isSuccess;
  const caught = signingIn.error;
  const error = !caught
    ? null
    : caught instanceof ApiError && caught.status === 401
      ? t("wrongPassword")
      : caught instanceof ApiError && caught.status === 429
        ? t("tooMany")
        : errorText(caught).message;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    signingIn.mutate(password);
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
          className={fieldClasses("w-full")}
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
