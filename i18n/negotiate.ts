import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from "./locales";

/** The user's saved choice, else the best match for the browser's Accept-Language. */
export function negotiateLocale(cookieValue: string | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  const languages = new Negotiator({ headers: { "accept-language": acceptLanguage ?? "" } }).languages();
  try {
    const matched = match(languages, LOCALES, DEFAULT_LOCALE);
    return isLocale(matched) ? matched : DEFAULT_LOCALE;
  } catch {
    // A malformed Accept-Language header is the browser's problem, not a reason to fail the page.
    return DEFAULT_LOCALE;
  }
}
