import { safeEqual } from "./compare";

/**
 * The API token in every form the midjourney-proxy families send it (§1.3): `Authorization: Bearer
 * <token>` (new-api relays), the raw `Authorization: <token>` (trueai) and `mj-api-secret: <token>`
 * (novicezk, lobe). A client sends one of them; trying all lets any of them work unchanged.
 */
export function presentedTokens(headers: Headers): string[] {
  const authorization = headers.get("authorization")?.trim() ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  return [bearer, authorization, headers.get("mj-api-secret")?.trim()].filter(
    (value): value is string => !!value,
  );
}

/**
 * Whether the request carries `token` in one of those forms. Every form present is compared, in
 * constant time each, so the time taken says nothing about which form or how much of it matched.
 */
export function carriesToken(headers: Headers, token: string): boolean {
  let matched = false;
  for (const given of presentedTokens(headers)) matched = safeEqual(given, token) || matched;
  return matched;
}
