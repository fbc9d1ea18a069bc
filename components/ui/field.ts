import type { ClassValue } from "clsx";
import { cn } from "@/lib/cn";

/** The look of a text field, select or text area; `className` wins where it conflicts (`p-2`, `text-xs`). */
export function fieldClasses(...className: ClassValue[]): string {
  return cn(
    "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900",
    className,
  );
}
