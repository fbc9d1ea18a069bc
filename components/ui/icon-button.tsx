import type { ButtonHTMLAttributes } from "react";
import { cn } from "@/lib/cn";

/** A button that is only an icon (the header's): its label is its accessible name and its tooltip. */
export function IconButton({
  label,
  className,
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { label: string }) {
  return (
    <button
      type={type}
      aria-label={label}
      title={label}
      className={cn("rounded-md p-2 hover:bg-zinc-200 disabled:opacity-60 dark:hover:bg-zinc-800", className)}
      {...props}
    />
  );
}
