import { getTranslations } from "next-intl/server";
import { LoginForm } from "@/components/auth/login-form";
import { safeNext } from "@/lib/auth/access";

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  const t = await getTranslations("auth");
  const { next } = await searchParams;
  return (
    <section className="mx-auto mt-12 max-w-sm space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{t("intro")}</p>
      <LoginForm next={safeNext(typeof next === "string" ? next : undefined)} />
    </section>
  );
}
