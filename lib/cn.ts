import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/**
 * Joins class names (conditions allowed, as clsx takes them) and lets a later Tailwind class win
 * over an earlier one of the same property: `cn("px-3", "px-2")` is `"px-2"`. Plain string
 * concatenation leaves both, and then the stylesheet's order decides, not the caller.
 */
export function cn(...classes: ClassValue[]): string {
  return twMerge(clsx(classes));
}
