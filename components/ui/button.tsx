import type { ClassValue } from "clsx";
import type { ButtonHTMLAttributes } from "react";
import { cn } from "@/lib/cn";

type Variant = "primary" | "secondary" | "ghost" | "danger";
type Size = "md" | "sm";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-sky-600 text-white hover:bg-sky-700 disabled:bg-sky-600/50",
  secondary:
    "border border-zinc-300 bg-white hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800",
  ghost: "hover:bg-zinc-100 dark:hover:bg-zinc-800",
  danger: "bg-red-600 text-white hover:bg-red-700",
};

/** `sm`: the rows of small labelled buttons under a result (its Midjourney buttons, its actions). */
const SIZES: Record<Size, string> = {
  md: "gap-1.5 px-3 py-1.5 text-sm",
  sm: "gap-1 px-2 py-1 text-xs",
};

export interface ButtonLook {
  variant?: Variant;
  size?: Size;
  /** Wins over the look's own classes where they conflict (`px-2` over `px-3`). */
  className?: ClassValue;
}

/** The app's button look, for a <button> or for what must look like one (a download link, a file picker's label). */
export function buttonClasses({ variant = "secondary", size = "md", className }: ButtonLook = {}): string {
  return cn(
    "inline-flex items-center justify-center rounded-md font-medium disabled:cursor-not-allowed disabled:opacity-60",
    SIZES[size],
    VARIANTS[variant],
    className,
  );
}

/** A plain button with the app's look; everything else is a native <button>. */
export function Button({
  variant,
  size,
  className,
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & ButtonLook) {
  return <button type={type} className={buttonClasses({ variant, size, className })} {...props} />;
}
