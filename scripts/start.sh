#!/bin/sh
# How the production server starts, in one place: `npm start`, and the e2e and bench process
# stacks (playwright.config.ts, lib/testing/processes.ts `startApp`), so what the load bench
# measures is what users run. Arguments go to `next start` (--hostname, --port). `exec` leaves one
# process: the server itself, nothing in front of it.
#
# Memory settings, measured with the load bench at 50 tabs (peak 357-468 MB with V8's defaults,
# 227-253 MB with both flags below (20 % then); 1 tab 205-209 -> 179-188 MB):
# - MALLOC_ARENA_MAX=2 unless set: glibc's default (8 pools per core, one per thread that
#   allocates) kept 100-150 MB of memory image work had freed; with 2, about 50 MB.
# - --max-semi-space-size=4: V8's young generation grows to 16 MB per semi-space (32 MB of the
#   heap even at one tab); 4 MB keeps it at 8 MB. Peak memory was the same with 2 MB.
# - --heap-growing-percent=40: after a full GC, V8 lets the heap grow up to 4x what stayed live
#   (about 80-90 MB live at 50 tabs, most of it the server's own code, in 200 MB of heap); 40 %
#   starts the next full GC sooner. Each full GC stops the event loop (a 7-8 ms pause at p50,
#   plus marking steps), and requests that arrive meanwhile wait: in three quick 50-tab runs each
#   (December 2026), 20 % gave 39-42 full GCs a minute, 1.0-1.2 s of the main thread, p99 29-36 ms
#   and 224-233 MB; 40 % gave 16-19, 0.4-0.5 s, p99 26-28 ms and 237-239 MB, and 10 % less app
#   CPU. At 200 tabs: 287 MB against 271, app CPU 69 s against 82. 60 % and 100 % (one run
#   each) gave no lower p99 for 243 and 266 MB. A larger young generation (8 MB) halved the young
#   GCs, but each took longer and the p99 rose (32-37 ms). It is no cap: a large export or import
#   still gets all the heap it needs (no --max-old-space-size, which would crash the server
#   instead).
# These are node's own arguments, so NODE_OPTIONS cannot undo them; run
# `node_modules/.bin/next start` yourself for V8's defaults.
set -e
cd "$(dirname "$0")/.."
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node --max-semi-space-size=4 --heap-growing-percent=40 node_modules/next/dist/bin/next start "$@"
