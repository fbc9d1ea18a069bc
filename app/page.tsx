import { getTranslations } from "next-intl/server";
import { RecentTasks } from "@/components/task/recent-tasks";

export default async function HomePage() {
  const t = await getTranslations("common.home");
  return (
    <div className="space-y-6">
      <section aria-labelledby="create-heading" className="space-y-2">
        <h1 id="create-heading" className="text-2xl font-semibold">
          {t("title")}
        </h1>
        <p className="max-w-prose text-sm text-zinc-600 dark:text-zinc-400">{t("intro")}</p>
      </section>
      <RecentTasks />
    </div>
  );
}
