import { randomInt } from "node:crypto";

/** FNV-1a, 32 bit: derives stable seeds and jitter from task ids. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A value in [0, 1) derived from `text`, for deterministic jitter. */
export function unitHash(text: string): number {
  return hashString(text) / 4294967296;
}

/** trueai's task id: `<unix ms><3 random digits>`, a 16-digit string (§4.1). */
export function newTaskId(now: number, taken: (id: string) => boolean): string {
  for (;;) {
    const id = `${Math.floor(now)}${String(randomInt(1000)).padStart(3, "0")}`;
    if (!taken(id)) return id;
  }
}

const DISCORD_EPOCH = 1420070400000n;

/**
 * A Discord-style snowflake for message ids and nonces: time-ordered like the real ones. `salt`
 * fills the low bits; pass a hash to get the same id on every read of a task.
 */
export function snowflake(ms: number, salt: number = randomInt(4194304)): string {
  return ((BigInt(Math.floor(ms)) - DISCORD_EPOCH) * 4194304n + BigInt(salt % 4194304)).toString();
}
