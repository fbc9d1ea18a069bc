import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// Hashing both sides first gives equal-length inputs, so neither the content nor the length
// of the secret leaks through the comparison time.
const comparisonKey = randomBytes(32);

/** Constant-time string equality, for passwords and tokens. */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHmac("sha256", comparisonKey).update(given).digest();
  const b = createHmac("sha256", comparisonKey).update(expected).digest();
  return timingSafeEqual(a, b);
}
