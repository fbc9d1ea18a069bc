export function ModeBadge({ mode, label }: { mode: "demo" | "upstream"; label: string }) {
  return (
    <span
      className={
        mode === "demo"
          ? "rounded-full bg-amber-200 px-2 py-0.5 text-xs font-medium text-amber-900"
          : "rounded-full bg-emerald-200 px-2 py-0.5 text-xs font-medium text-emerald-900"
      }
    >
      {label}
    </span>
  );
}
