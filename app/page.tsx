import { RecentTasks } from "@/components/task/recent-tasks";

export default function HomePage() {
  return (
    <div className="space-y-6">
      <section aria-labelledby="create-heading" className="space-y-2">
        <h1 id="create-heading" className="text-2xl font-semibold">
          Create
        </h1>
        <p className="max-w-prose text-sm text-zinc-600 dark:text-zinc-400">
          MJ Studio speaks the midjourney-proxy API at <code>/api/mj/*</code>, keeps your key on the server
          and records every task it submits.
        </p>
      </section>
      <RecentTasks />
    </div>
  );
}
