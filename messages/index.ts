import type { Locale } from "@/i18n/locales";
import en from "./en";
import zh from "./zh";

/** Message catalogues, one JSON file per feature namespace so features do not edit each other's. */
export const MESSAGES: Record<Locale, typeof en> = { en, zh };
