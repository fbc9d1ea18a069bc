/**
 * `npm run bench`, part 3: load. The simulator runs in its own process (the standalone `tsx` one),
 * so the app is measured, not the simulator's image renderer sharing its CPU; each level gets a
 * fresh simulator and a fresh `next start`, and reports offered and served requests per second,
 * p50/p99 per kind, p99 over the unloaded p50, errors (the budget is zero: the app must degrade by
 * queueing) and the peak memory of the `next start` process tree (VmHWM, budget 300 MB).
 *
 * Each level also prints the CPU seconds the app and the simulator (each with its children) and the
 * load's own tabs used during the run, from /proc/PID/stat and process.cpuUsage(), beside what the
 * cores offered and the load average, and the delay of the tabs' own event loop (a request it
 * notices late is timed late, whatever the app did: 13-14 ms at p99 at 50 tabs, December 2026).
 * So each level times the same requests once more, to the moment the app handed the whole answer
 * to the kernel (`handedOff`, on the app's clock), and says where the slowest 1 % spent their time:
 * in quick 50-tab runs (December 2026) they waited 20-52 ms (p50) before the app read them, under
 * a millisecond in it, and 0.1-22 ms in the tabs' process after the app had sent them, where a
 * browser on a machine of its own would have read them at once. Of the wait before the app read
 * them, the tabs' process held them at most 0.3-1.8 ms (p50) before their last byte left it, and
 * at least 34-42 ms passed after that, in the kernel's and the app's queue (two runs).
 * The app, the simulator and the tabs share the machine's cores, and the simulator's image rendering took 41-65 % of the
 * app's and its CPU at 50 and 200 tabs (2-core machines, December 2026). It keeps its normal
 * priority: it is in the path of submits, previews and downloads, so lowering it would move time
 * from the app's own work into the app's waits on the upstream (and into upstream timeouts on a
 * busy machine), not remove it.
 *
 * So the levels run on a pre-rendered upstream (`renderPool`: the simulator draws every imagine
 * from 8 pictures and serves them from its render cache, as a CDN serves files), which takes the
 * renderer off the cores the app runs on, as a real upstream is. The app's work is the same either
 * way: each task's grid is downloaded, decoded and cut, each progress step fetched. The unloaded
 * and 50-tab levels run once more first with every job drawing its own pictures, to show what the
 * renderer beside the app costs (on a 2-core machine in December 2026 it took 54-67 s of CPU in the
 * 50-tab minute against the app's 40, and previews waited on it: p50 1.2-8 s).
 *
 * ## Tabs (the target rows: 1, 50 and 200 tabs on the pre-rendered upstream)
 *
 * Each tab does what an open Create page (components/create/create-page.tsx) does in a browser,
 * paced by the browser code's own timers, not by the answers (open loop: a slow server does not
 * make a tab ask less, except where the browser itself waits, noted below):
 *
 * - **stream**: one `GET /api/tasks/events` held open for the whole run (lib/api/task-events.ts),
 *   whose pushed tasks are applied like poll answers (use-live-tasks.ts `mergePolled`).
 * - **history**: the feed's first page, `GET /api/tasks?limit=20`, every `POLL.headMs` = 3 s
 *   (queries.ts `taskListHeadQuery`, a fixed `refetchInterval`: a tick that finds the last read
 *   still in flight is skipped, React Query dedupes it; counted as offered, not served), and once
 *   more right after each submit (mutations.ts `useTaskWrite` → `refreshTaskLists`).
 * - **poll**: one `POST /api/mj/task/list-by-ids` for the tab's unfinished tasks (`isPollable`),
 *   the next one `nextPollDelay` after the answer (lib/api/polling.ts: 1 s while things change,
 *   ×1.5 per unchanged answer up to 5 s, backoff on errors, none when nothing runs), and at once
 *   when the set of unfinished ids changes (the query key changes). The server's poller records
 *   the upstream every `MJ_POLL_INTERVAL_MS` = 2 s, so a busy tab polls about every 1-2.5 s.
 * - **preview**: a running task's progress image (`task.imageUrl`, task-card.tsx) each time a
 *   poll or a push brings a new one.
 * - **thumbnail**: when a task is seen finished, its tiles' WebP thumbnails (`jobImages`, the four
 *   `cell.N.thumb` of a grid), six at a time (a browser's connections per host on HTTP/1.1).
 * - **submit**: a heavy user, an imagine every 10-20 s (uniform, after the previous one was
 *   accepted; the first within the first 15 s so the tabs do not start in step).
 *
 * A request that fails on a reused connection the server had just closed is sent again once, as a
 * browser does, and counted ("sent again"); any other failure is an error.
 *
 * The tasks run on the simulator at speed 1 (an imagine takes about 7 s), with no job limit: the
 * upstream is not what is measured. The unloaded p50 is that of one tab for 60 s. Every level
 * times what its clients send after a warm-up of WARMUP_MS; errors count from the start.
 *
 * ## Capacity (saturation, not a target)
 *
 * 50 closed-loop clients with no think time, each sending its next request as soon as the last
 * is answered (5 % submits, 15 % history pages of 50, 30 % task thumbnails, the rest polls of its
 * 20 newest tasks). This keeps 50 requests in flight forever, so latency there is queue length ×
 * service time by Little's law; what the row shows is the most the app serves per second at 0
 * errors, and the memory it takes to do so.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import { createPollTracker, nextPollDelay, POLL } from "@/lib/api/polling";
import { jobImages } from "@/lib/images/job-images";
import { isTerminalStatus, TASK_STATUS, type Task } from "@/lib/mj/task";
import { isPollable } from "@/lib/mj/task-view";
import { ROOT, startApp, startSimulator, type Proc } from "@/lib/testing/processes";
import type { Measure } from "./bench-report";
import { KEY, percentile } from "./bench-stack";

const TAB_LEVELS = [50, 200];
/** The pre-rendered upstream's pictures (per aspect ratio): the first jobs render them, the rest reuse them. */
const RENDER_POOL = 8;
const DURATION_MS = 60_000;
/**
 * One tab alone first: the unloaded p50 the loaded p99 is held to (at most 10x). A tab sends
 * about 1.4 requests a second, so this is its p50 over about 80; over 30 s it moved from 4.0 to
 * 6.0 ms between runs of one build (December 2026), and the ratio with it.
 */
const UNLOADED_MS = 60_000;
/**
 * Each level's clients start together on a fresh app, and what they time is counted from this
 * long after: the first requests found the app's code not yet compiled (the first feed reads at
 * 50 tabs took 60-115 ms, a tenth of the slowest 1 %), and tasks not yet running as they will be.
 */
const WARMUP_MS = 10_000;
/** The Create feed's page (create-page.tsx `FEED`). */
const FEED_PAGE = 20;
/** Connections a browser opens to one host (HTTP/1.1): a burst of thumbnails goes six at a time. */
const BROWSER_CONNECTIONS = 6;
/** A heavy user's pace: the next imagine this long after the last was accepted. */
const SUBMIT_EVERY_MS = { min: 10_000, max: 20_000 };

const CAPACITY_CLIENTS = 50;
/** How a capacity client's next request is chosen (the rest poll). */
const SHARE = { submit: 0.05, history: 0.15, thumbnail: 0.3 };
/** How many of its newest tasks a capacity client polls at once. */
const POLLED_PER_CLIENT = 20;
const HISTORY_PAGE = 50;

const KINDS = ["poll", "history", "preview", "thumbnail", "submit"] as const;
type Kind = (typeof KINDS)[number];

interface Tally {
  /** Whether the warm-up is over: only requests sent from then on are timed and counted as offered. */
  measuring: boolean;
  latencies: Record<Kind, number[]>;
  /** Requests the tabs' timers asked for, including ticks skipped because the last was in flight. */
  offered: Record<Kind, number>;
  errors: string[];
  /** Requests sent again after a reset of a reused connection (see RESET). */
  retried: number;
  streams: { opened: number; messages: number };
  /**
   * Each timed request by its `x-bench-request` id (µs): when its tab sent it, when the tabs' loop
   * saw the kernel take its last byte (see `handedOff`; null when that is not known: see
   * `Answer.leftUs`, and a request sent again, whose first try also took that time), and when its
   * tab read the answer.
   */
  timed: Map<string, { sentUs: number; leftUs: number | null; readUs: number }>;
}

function newTally(): Tally {
  const perKind = <T>(value: () => T) =>
    Object.fromEntries(KINDS.map((kind) => [kind, value()])) as Record<Kind, T>;
  return {
    measuring: false,
    latencies: perKind(() => []),
    offered: perKind(() => 0),
    errors: [],
    retried: 0,
    streams: { opened: 0, messages: 0 },
    timed: new Map(),
  };
}

/** A process and its descendants (Linux /proc; none elsewhere). */
function processTree(pid: number): number[] {
  const pids: number[] = [];
  const visit = (id: number) => {
    try {
      readdirSync(`/proc/${id}/task`).forEach((thread) => {
        const children = readFileSync(`/proc/${id}/task/${thread}/children`, "utf8").trim();
        for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
      });
      pids.push(id);
    } catch {
      // gone, or no /proc (not Linux): nothing to add
    }
  };
  visit(pid);
  return pids;
}

/** Sums a per-process reading over a process tree; a process gone meanwhile counts 0. */
function sumOver(pid: number, read: (id: number) => number): number {
  return processTree(pid).reduce((total, id) => {
    try {
      return total + read(id);
    } catch {
      return total;
    }
  }, 0);
}

/** Peak resident memory (VmHWM) of a process and its descendants, in kB. */
function peakMemoryKb(pid: number): number {
  return sumOver(pid, (id) =>
    Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${id}/status`, "utf8"))?.[1] ?? 0),
  );
}

/** Linux's clock ticks per second (`getconf CLK_TCK`), the unit of /proc/PID/stat's CPU times. */
const CLOCK_TICKS = 100;

/**
 * CPU seconds (user + system) a process and its descendants have used so far, from
 * /proc/PID/stat: how the two cores were shared between the app and the simulator.
 */
function cpuSeconds(pid: number): number {
  return sumOver(pid, (id) => {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${id}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  });
}

/**
 * The headers a tab sends with every request: those Node's fetch sends, so the app parses and
 * negotiates what it did when the tabs used fetch (JSON answers gzipped, as for a browser).
 */
const TAB_HEADERS = {
  accept: "*/*",
  "accept-language": "*",
  "sec-fetch-mode": "cors",
  "user-agent": "node",
  "accept-encoding": "gzip, deflate",
};

interface Answer {
  status: number;
  /** The body whole, gunzipped when the app gzipped it. */
  body: Buffer;
  /**
   * When the tabs' loop saw the kernel take the request's last byte (its `finish`), µs: see
   * `monotonicUs`. Null when the answer came first (a refusal before the whole body was read).
   */
  leftUs: number | null;
}

/**
 * One request on a tab's own keep-alive connections (a browser's are its own, not shared with
 * other browsers). On `node:http`, not fetch: the tabs all share this one process, and its event
 * loop's delay is timed into every request it answers late. With fetch (WHATWG streams, a
 * Response per answer, a TextDecoderStream per event stream) the 50 tabs took 8.0 s of CPU in the
 * minute and their loop's delay was 16 ms at p99; on node:http, 3.9-4.2 s and 13-14 ms.
 */
function send(agent: http.Agent | false, url: URL, id: string, json?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    const headers = {
      ...TAB_HEADERS,
      "x-bench-request": id,
      ...(payload ? { "content-type": "application/json", "content-length": payload.byteLength } : {}),
    };
    let leftUs: number | null = null;
    const request = http.request(url, { agent, method: payload ? "POST" : "GET", headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        try {
          const body = Buffer.concat(chunks);
          const gzipped = response.headers["content-encoding"] === "gzip";
          resolve({
            status: response.statusCode ?? 0,
            body: gzipped ? gunzipSync(body) : body,
            leftUs,
          });
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on("error", reject);
    request.on("finish", () => (leftUs = monotonicUs()));
    request.end(payload);
  });
}

/**
 * A connection the server closed while it sat idle in the pool, reused at that moment (the server
 * drops idle keep-alive connections after 5 s; under load the client's own timer runs late): a
 * browser sends the request again on a new connection, and so does a tab here, once, counted. Not
 * on another of the pool's: at 200 tabs a retry took a second idle connection the server was
 * closing at the same moment, and a submit failed twice (December 2026).
 */
const RESET = /ECONNRESET|socket hang up/;

/** CLOCK_MONOTONIC in µs: the clock the app's hand-off times are read on (scripts/bench-handoff.mjs). */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
let requestIds = 0;

/**
 * One timed request on the tab's `agent` (JSON when `json` is given), counted as offered; the body
 * as text (null on an error, which is tallied).
 */
async function timed(
  tally: Tally,
  kind: Kind,
  agent: http.Agent,
  url: URL,
  json?: unknown,
): Promise<string | null> {
  const measured = tally.measuring;
  if (measured) tally.offered[kind]++;
  const id = String(++requestIds);
  const sentUs = monotonicUs();
  try {
    let again = false;
    const answer = await send(agent, url, id, json).catch((error: unknown) => {
      if (!RESET.test(reason(error))) throw error;
      tally.retried++;
      again = true;
      return send(false, url, id, json); // on a connection of its own (RESET says why)
    });
    if (measured) {
      const readUs = monotonicUs();
      tally.latencies[kind].push((readUs - sentUs) / 1000);
      tally.timed.set(id, { sentUs, leftUs: again ? null : answer.leftUs, readUs });
    }
    const ok = answer.status >= 200 && answer.status < 300;
    // An image's bytes are only counted; an error's body is its reason.
    const text =
      (kind === "thumbnail" || kind === "preview") && ok
        ? String(answer.body.byteLength)
        : answer.body.toString("utf8");
    if (!ok) {
      tally.errors.push(`${kind}: HTTP ${answer.status} ${text.slice(0, 200)}`);
      return null;
    }
    return text;
  } catch (error) {
    tally.errors.push(`${kind}: ${reason(error)}`);
    return null;
  }
}

/** An error with its cause (a socket's own error under a wrapping one). */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${reason(error.cause)})` : error.message;
}

/** Submits one imagine; the new task's id, or null (tallied as an error). */
async function submitImagine(
  appUrl: string,
  agent: http.Agent,
  tally: Tally,
  prompt: string,
): Promise<string | null> {
  const text = await timed(tally, "submit", agent, new URL("/api/mj/submit/imagine", appUrl), { prompt });
  if (text === null) return null;
  const envelope = JSON.parse(text) as { code: number; result: string };
  if (envelope.code === 1 || envelope.code === 22) return envelope.result;
  tally.errors.push(`submit: envelope code ${envelope.code}`);
  return null;
}

/** A sleep that `wake()` ends early (a poll whose query key changed fetches at once). */
function wakeableSleep() {
  let wake = () => {};
  return {
    wait: (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    wake: () => wake(),
  };
}

/**
 * A pushed message's tasks, parsed once for every tab it reaches. All the tabs share this one
 * process and its event loop, where 50 browsers would each parse on their own machine: parsing
 * each batch (up to ~100 tasks) 50 times over held the loop after every poll the server recorded,
 * and every request then in flight was timed that much slower, a delay of the load's own making
 * (the loop's delay at 50 tabs: p99 31 ms and at most 144 without this, 22 and 87 with it). The
 * tabs get the same array and do not change it.
 */
const parsedMessages = new Map<string, Task[]>();

function parseMessage(data: string): Task[] {
  let tasks = parsedMessages.get(data);
  if (!tasks) {
    tasks = JSON.parse(data) as Task[];
    // The batches of the last few seconds: every tab has read a message by then.
    if (parsedMessages.size >= 64) parsedMessages.delete(parsedMessages.keys().next().value!);
    parsedMessages.set(data, tasks);
  }
  return tasks;
}

/** One studio tab for `deadline - now` ms (the header comment says what it does and why). */
async function tab(appUrl: string, index: number, deadline: number, tally: Tally): Promise<number> {
  const live = () => Date.now() < deadline;
  // The tab's own connections, kept alive between requests as a browser keeps them.
  const agent = new http.Agent({ keepAlive: true });
  const pollUrl = new URL("/api/mj/task/list-by-ids", appUrl);
  /** The newest copy this tab holds of each task it submitted. */
  const tasks = new Map<string, Task>();
  const pollSleep = wakeableSleep();
  const pendingKey = () =>
    [...tasks.values()]
      .filter((task) => isPollable(task, Date.now()))
      .map((task) => task.id)
      .sort()
      .join(",");

  // Images: at most six requests in flight per tab, the rest wait in order.
  const images: { kind: Kind; url: string }[] = [];
  let loading = 0;
  const loaded: Promise<void>[] = [];
  const pump = () => {
    while (loading < BROWSER_CONNECTIONS && images.length > 0) {
      const { kind, url } = images.shift()!;
      loading++;
      loaded.push(
        timed(tally, kind, agent, new URL(url, appUrl)).then(() => {
          loading--;
          pump();
        }),
      );
    }
  };

  /** What a poll answer or a push brings: newer copies of the tab's tasks, and what they show. */
  const apply = (copies: readonly Task[]) => {
    const before = pendingKey();
    for (const copy of copies) {
      const held = tasks.get(copy.id);
      if (!held || isTerminalStatus(held.status)) continue;
      tasks.set(copy.id, copy);
      // The run is over: what a tab learns now loads nothing more (the app is stopped next).
      if (!live()) continue;
      if (copy.status === TASK_STATUS.success)
        for (const image of jobImages(copy)) images.push({ kind: "thumbnail", url: image.thumb });
      else if (!isTerminalStatus(copy.status) && copy.imageUrl && copy.imageUrl !== held.imageUrl)
        images.push({ kind: "preview", url: copy.imageUrl });
    }
    pump();
    if (pendingKey() !== before) pollSleep.wake();
  };

  const feedUrl = new URL(`/api/tasks?limit=${FEED_PAGE}`, appUrl);
  const readFeed = () => timed(tally, "history", agent, feedUrl);

  const stop = new AbortController();
  const stream = new Promise<void>((resolve) => {
    const failed = (error: unknown) => {
      if (!stop.signal.aborted) tally.errors.push(`stream: ${reason(error)}`);
      resolve();
    };
    const request = http.get(
      new URL("/api/tasks/events", appUrl),
      { agent, headers: { ...TAB_HEADERS, accept: "text/event-stream" }, signal: stop.signal },
      (response) => {
        if (response.statusCode !== 200) {
          tally.errors.push(`stream: HTTP ${response.statusCode}`);
          response.resume();
          return resolve();
        }
        tally.streams.opened++;
        response.setEncoding("utf8");
        let buffered = "";
        response.on("data", (chunk: string) => {
          buffered += chunk;
          let end: number;
          while ((end = buffered.indexOf("\n\n")) >= 0) {
            const message = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            if (!message.startsWith("data: ")) continue; // a heartbeat
            tally.streams.messages++;
            apply(parseMessage(message.slice("data: ".length)));
          }
        });
        response.on("error", failed);
        response.on("end", () => {
          if (live()) tally.errors.push("stream: ended by the server");
          resolve();
        });
      },
    );
    request.on("error", failed);
  });

  const head = (async () => {
    // A fixed interval from the page's load; a tick while the last read is in flight is skipped.
    let next = Date.now() + Math.random() * POLL.headMs;
    while (true) {
      await sleep(Math.max(0, next - Date.now()));
      if (!live()) return;
      const started = Date.now();
      await readFeed();
      const skipped = Math.floor((Date.now() - started) / POLL.headMs);
      if (tally.measuring) tally.offered.history += skipped;
      next += (skipped + 1) * POLL.headMs;
    }
  })();

  const poll = (async () => {
    const tracker = createPollTracker();
    let failures = 0;
    while (live()) {
      const pending = pendingKey();
      const ids = pending ? pending.split(",") : [];
      const delay = nextPollDelay({ pending: ids.length, failures, unchanged: tracker.unchanged });
      if (delay === false) {
        await pollSleep.wait(deadline - Date.now());
        continue;
      }
      const text = await timed(tally, "poll", agent, pollUrl, { ids });
      if (text === null) failures++;
      else {
        failures = 0;
        const polled = JSON.parse(text) as Task[];
        if (polled.length !== ids.length)
          tally.errors.push(`poll: ${polled.length} tasks for ${ids.length} ids`);
        tracker.observe(polled);
        apply(polled);
      }
      const next = nextPollDelay({ pending: ids.length, failures, unchanged: tracker.unchanged });
      if (pendingKey() === pending && next !== false)
        await pollSleep.wait(Math.min(next, deadline - Date.now()));
    }
  })();

  let submitted = 0;
  await sleep(Math.random() * SUBMIT_EVERY_MS.max * 0.75);
  while (live()) {
    const id = await submitImagine(appUrl, agent, tally, `load tab ${index} task ${submitted} --ar 1:1`);
    submitted++;
    await readFeed();
    if (id !== null) {
      tasks.set(id, { id, status: TASK_STATUS.notStart, submitTime: Date.now(), imageUrl: null } as Task);
      pollSleep.wake();
    }
    const pause = SUBMIT_EVERY_MS.min + Math.random() * (SUBMIT_EVERY_MS.max - SUBMIT_EVERY_MS.min);
    await sleep(Math.max(0, Math.min(pause, deadline - Date.now())));
  }
  pollSleep.wake();
  await Promise.all([head, poll]);
  // A finished load starts the next waiting one: wait until none is left.
  while (loaded.length > 0) await Promise.all(loaded.splice(0));
  stop.abort();
  await stream;
  agent.destroy();
  return submitted;
}

/** The capacity run's client: closed loop, its next request as soon as the last is answered. */
async function closedLoopClient(appUrl: string, index: number, deadline: number, tally: Tally) {
  const agent = new http.Agent({ keepAlive: true });
  const ids: string[] = [];
  const thumbnails = new Set<string>();
  let submitted = 0;
  const submit = async () => {
    const id = await submitImagine(appUrl, agent, tally, `load client ${index} task ${submitted} --ar 1:1`);
    submitted++;
    if (id !== null) ids.push(id);
  };
  const poll = async () => {
    const wanted = ids.slice(-POLLED_PER_CLIENT);
    const text = await timed(tally, "poll", agent, new URL("/api/mj/task/list-by-ids", appUrl), {
      ids: wanted,
    });
    if (text === null) return;
    const polled = JSON.parse(text) as Task[];
    if (polled.length !== wanted.length)
      tally.errors.push(`poll: ${polled.length} tasks for ${wanted.length} ids`);
    for (const task of polled)
      if (task.status === TASK_STATUS.success && task.thumbnailUrl) thumbnails.add(task.thumbnailUrl);
  };
  await submit();
  while (Date.now() < deadline) {
    const roll = Math.random();
    if (ids.length === 0 || roll < SHARE.submit) await submit();
    else if (roll < SHARE.submit + SHARE.history)
      await timed(tally, "history", agent, new URL(`/api/tasks?limit=${HISTORY_PAGE}`, appUrl));
    else if (roll < SHARE.submit + SHARE.history + SHARE.thumbnail && thumbnails.size > 0) {
      const list = [...thumbnails];
      const url = list[Math.floor(Math.random() * list.length)]!;
      await timed(tally, "thumbnail", agent, new URL(url, appUrl));
    } else await poll();
  }
  agent.destroy();
  return submitted;
}

interface LevelResult {
  name: string;
  errors: number;
  /** All requests' p50, and each kind's (the unloaded level's are what loaded p99s are held to). */
  p50: number;
  kindP50: Partial<Record<Kind, number>>;
  /** All requests' p50 timed to the app's hand-off (see `handedOff`). */
  handedOffP50: number;
}

type Client = typeof tab;

/** One level on a fresh simulator (pre-rendered with `renderPool`) and app; prints its table. */
async function level(
  name: string,
  client: Client,
  clients: number,
  durationMs: number,
  unloaded: LevelResult | null,
  report: (measure: Measure) => void,
  renderPool?: number,
): Promise<LevelResult> {
  // Jobs as long as Midjourney's fast mode at speed 1 would make them, no queue limit.
  const simulator = await startSimulator({ key: KEY, speed: 1, maxConcurrent: 10_000, renderPool });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "mj-bench-load-"));
  const handoffFile = path.join(dataDir, "handoff.txt");
  let handoffs = "";
  let app: Proc | null = null;
  const tally = newTally();
  let submitted = 0;
  let peakKb = 0;
  let seconds = 0;
  const cpu = { app: 0, simulator: 0, tabs: 0 };
  // The tabs' own event loop: a request it answers late is timed late, whatever the app did.
  const tabsLoop = monitorEventLoopDelay({ resolution: 10 });
  try {
    app = await startApp({
      MJ_API_URL: simulator.url,
      MJ_API_KEY: KEY,
      MJ_AUTH_HEADER: "authorization",
      DATA_DIR: dataDir,
      // The app's clock of each request (not loaded into the app users run).
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${pathToFileURL(path.join(ROOT, "scripts/bench-handoff.mjs")).href}`,
      BENCH_HANDOFF_FILE: handoffFile,
    });
    const appUrl = app.url;
    const deadline = Date.now() + WARMUP_MS + durationMs;
    const running = Promise.all(
      Array.from({ length: clients }, (_, i) => client(appUrl, i, deadline, tally)),
    );
    await sleep(WARMUP_MS);
    tally.measuring = true;
    const started = performance.now();
    const cpuBefore = {
      app: cpuSeconds(app.child.pid!),
      simulator: cpuSeconds(simulator.child.pid!),
      tabs: process.cpuUsage(),
    };
    tabsLoop.enable();
    const counts = await running;
    tabsLoop.disable();
    submitted = counts.reduce((a, b) => a + b, 0);
    seconds = (performance.now() - started) / 1000;
    peakKb = peakMemoryKb(app.child.pid!);
    cpu.app = cpuSeconds(app.child.pid!) - cpuBefore.app;
    cpu.simulator = cpuSeconds(simulator.child.pid!) - cpuBefore.simulator;
    const tabs = process.cpuUsage(cpuBefore.tabs);
    cpu.tabs = (tabs.user + tabs.system) / 1e6;
  } finally {
    await app?.kill();
    await simulator.kill();
    try {
      handoffs = readFileSync(handoffFile, "utf8");
    } catch {
      // No file: the preload wrote nothing. The level then prints no hand-off line.
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  const handoff = handedOff(tally, handoffs);

  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const sortedOf = (kind: Kind) => [...tally.latencies[kind]].sort((a, b) => a - b);
  const all = KINDS.flatMap((kind) => tally.latencies[kind]).sort((a, b) => a - b);
  const offeredAll = KINDS.reduce((sum, kind) => sum + tally.offered[kind], 0);
  const perSecond = (n: number) => (n / seconds).toFixed(1);
  const ratio = (p99: number, p50: number | undefined) => (p50 ? `${(p99 / p50).toFixed(1)}x` : "-");
  const row = (label: string, sorted: number[], offered: number, unloadedP50: number | undefined) =>
    `| ${label} | ${perSecond(offered)} | ${perSecond(sorted.length)} | ${sorted.length ? ms(percentile(sorted, 50)) : "-"} | ` +
    `${sorted.length ? ms(percentile(sorted, 99)) : "-"} | ${sorted.length ? ratio(percentile(sorted, 99), unloadedP50) : "-"} |`;
  console.log(
    `\n## Load: ${name} (${durationMs / 1000} s after ${WARMUP_MS / 1000} s of warm-up, loopback, simulator in its own process` +
      `${renderPool ? `, drawing from ${renderPool} pictures` : ""})\n`,
  );
  console.log("| requests | offered /s | served /s | p50 | p99 | p99 / unloaded p50 |");
  console.log("|---|---|---|---|---|---|");
  console.log(row("all", all, offeredAll, unloaded?.p50));
  const labels: Record<Kind, string> = {
    poll: "poll: list-by-ids",
    history: `history: GET /api/tasks (${client === tab ? FEED_PAGE : HISTORY_PAGE} a page)`,
    preview: "preview: a running task's progress image",
    thumbnail: "thumbnail: /api/media WebP",
    submit: "submit: imagine",
  };
  for (const kind of KINDS)
    if (tally.offered[kind] > 0)
      console.log(row(labels[kind], sortedOf(kind), tally.offered[kind], unloaded?.kindP50[kind]));
  const peakMb = Math.round(peakKb / 1024);
  console.log(
    `\nTasks submitted (warm-up included): ${submitted}. Errors, warm-up included: ${tally.errors.length} (budget: 0). ` +
      `Sent again after a reset of an idle connection: ${tally.retried}. ` +
      (client === tab
        ? `Event streams: ${tally.streams.opened} (${tally.streams.messages} messages). `
        : "") +
      `Peak memory of the app (VmHWM, next start and its children): ${peakMb} MB (budget: 300 MB).`,
  );
  for (const error of [...new Set(tally.errors)].slice(0, 10)) console.log(`  error: ${error}`);
  // The three share the machine's cores: how much of them the simulator's rendering took.
  console.log(
    `CPU during the run: app ${cpu.app.toFixed(1)} s, simulator ${cpu.simulator.toFixed(1)} s ` +
      `(${Math.round((100 * cpu.simulator) / Math.max(cpu.app + cpu.simulator, 0.01))} % of the two), ` +
      `the load's tabs ${cpu.tabs.toFixed(1)} s (their event loop's delay p99 ` +
      `${ms(tabsLoop.percentile(99) / 1e6)}, most ${ms(tabsLoop.max / 1e6)}); ` +
      `${os.availableParallelism()} cores × ${seconds.toFixed(0)} s = ${(os.availableParallelism() * seconds).toFixed(0)} s available; ` +
      `load average ${os.loadavg()[0]!.toFixed(1)}.`,
  );
  const p99 = percentile(all, 99);
  if (unloaded)
    console.log(
      `p99 of all requests: ${ratio(p99, unloaded.p50)} the unloaded p50 (${ms(unloaded.p50)}; target: at most 10x).`,
    );
  const handoffP99 = percentile(handoff.sorted, 99);
  // Held to the unloaded level's p50 by the same clock, when both levels have one.
  const handoffRatio =
    handoff.sorted.length > 0 && unloaded && Number.isFinite(unloaded.handedOffP50)
      ? handoffP99 / unloaded.handedOffP50
      : null;
  if (handoff.sorted.length > 0) {
    const { leaving, before, inApp, after } = handoff.slowest;
    const unknown = handoff.departureUnknown;
    console.log(
      `Timed to the app's hand-off instead (its last byte given to the kernel, on the app's clock; ` +
        `${handoff.sorted.length} of ${all.length} requests): p50 ${ms(percentile(handoff.sorted, 50))}, p99 ${ms(handoffP99)}` +
        (handoffRatio !== null
          ? `, ${handoffRatio.toFixed(1)}x the unloaded p50 by the same clock (${ms(unloaded!.handedOffP50)})`
          : "") +
        `. The slowest 1 % as the tabs timed them, p50 of each part on its own: at most ${ms(leaving)} in the ` +
        `tabs' process before their last byte left it, at least ${ms(before)} from there until the app read them` +
        (unknown > 0 ? ` (${unknown} sent again or answered early left out of these two)` : "") +
        `, ${ms(inApp)} in the app, ${ms(after)} from the app's hand-off to their tab reading them.`,
    );
  }
  if (client === tab && unloaded) {
    report({
      name: `load ${name}, p99 of all requests over the unloaded p50`,
      value: Number((p99 / unloaded.p50).toFixed(1)),
      unit: "x",
      target: "at most 10x",
    });
    if (handoffRatio !== null)
      report({
        name: `load ${name}, p99 to the app's hand-off over the unloaded p50 (same clock)`,
        value: Number(handoffRatio.toFixed(1)),
        unit: "x",
      });
  }
  if (client !== tab)
    report({
      name: `load ${name}, served at 0 errors`,
      value: Math.round(all.length / seconds),
      unit: "req/s",
    });
  report({ name: `load ${name}, errors`, value: tally.errors.length, unit: "", target: "0" });
  report({ name: `load ${name}, peak memory`, value: peakMb, unit: "MB", target: "under 300 MB" });
  return {
    name,
    errors: tally.errors.length,
    p50: percentile(all, 50),
    kindP50: Object.fromEntries(
      KINDS.filter((kind) => tally.latencies[kind].length > 0).map((kind) => [
        kind,
        percentile(sortedOf(kind), 50),
      ]),
    ),
    handedOffP50: percentile(handoff.sorted, 50),
  };
}

/**
 * The timed requests' latencies to the moment the app handed the whole answer to the kernel
 * (scripts/bench-handoff.mjs, loaded into the app), sorted, in ms; and where the slowest 1 % (as
 * the tabs timed them) spent their time, the p50 of each part: from the tab's send to its last
 * byte leaving the tabs' process, from there to the app reading the request (the kernel's and the
 * app's queue), inside the app, and from the app's hand-off to the tab reading the answer. The
 * first and the last are this one process running 50 or 200 tabs (its GC, the other tabs' pushes
 * and answers), which 50 browsers on their own machines would not share. A request's `finish` comes
 * on the tabs' event loop after the kernel took its bytes, so the first part is an upper bound of
 * what the tabs' process held it, and the second a lower bound of the queue: below zero when the
 * app read the request before the tabs' process saw its `finish` (an idle one-tab submit, by 2 ms:
 * the write woke the app, which ran first). Requests whose departure is not known (`Tally.timed`)
 * are left out of those two parts' p50, and counted.
 */
function handedOff(
  tally: Tally,
  handoffs: string,
): { sorted: number[]; slowest: Record<Part, number>; departureUnknown: number } {
  const app = new Map<string, { read: number; finish: number }>();
  // A request sent again after a reset carries the same id: its last answer is the one read.
  for (const line of handoffs.split("\n")) {
    const [id, read, finish] = line.split(" ");
    if (id && read && finish) app.set(id, { read: Number(read), finish: Number(finish) });
  }
  const sorted: number[] = [];
  const parts: ({ tab: number } & Record<Part, number>)[] = [];
  for (const [id, { sentUs, leftUs, readUs }] of tally.timed) {
    const seen = app.get(id);
    if (seen === undefined) continue;
    sorted.push((seen.finish - sentUs) / 1000);
    parts.push({
      tab: readUs - sentUs,
      leaving: leftUs === null ? NaN : (leftUs - sentUs) / 1000,
      before: leftUs === null ? NaN : (seen.read - leftUs) / 1000,
      inApp: (seen.finish - seen.read) / 1000,
      after: (readUs - seen.finish) / 1000,
    });
  }
  sorted.sort((a, b) => a - b);
  const slowest = parts.sort((a, b) => a.tab - b.tab).slice(Math.floor(parts.length * 0.99));
  const p50Of = (part: Part) =>
    percentile(
      slowest
        .map((one) => one[part])
        .filter((ms) => !Number.isNaN(ms))
        .sort((a, b) => a - b),
      50,
    );
  return {
    sorted,
    departureUnknown: slowest.filter((one) => Number.isNaN(one.leaving)).length,
    slowest: {
      leaving: p50Of("leaving"),
      before: p50Of("before"),
      inApp: p50Of("inApp"),
      after: p50Of("after"),
    },
  };
}

/** The parts of a request's time `handedOff` splits it into (see there). */
type Part = "leaving" | "before" | "inApp" | "after";

export async function benchLoad(report: (measure: Measure) => void): Promise<void> {
  // Every job drawing its own pictures, the renderer beside the app: what it costs.
  const rendering = (name: string) => `${name}, rendering upstream`;
  const unloadedRendering = await level(rendering("1 tab (unloaded)"), tab, 1, UNLOADED_MS, null, report);
  const results = [
    unloadedRendering,
    await level(rendering("50 tabs"), tab, 50, DURATION_MS, unloadedRendering, report),
  ];
  // The target rows: the app's work alone on the cores.
  const unloaded = await level("1 tab (unloaded)", tab, 1, UNLOADED_MS, null, report, RENDER_POOL);
  results.push(unloaded);
  for (const tabs of TAB_LEVELS)
    results.push(await level(`${tabs} tabs`, tab, tabs, DURATION_MS, unloaded, report, RENDER_POOL));
  results.push(
    await level(
      `capacity, ${CAPACITY_CLIENTS} closed-loop clients (saturation, not a target)`,
      closedLoopClient,
      CAPACITY_CLIENTS,
      DURATION_MS,
      unloaded,
      report,
      RENDER_POOL,
    ),
  );
  const failed = results.filter((result) => result.errors > 0);
  if (failed.length > 0)
    throw new Error(`load runs had errors: ${failed.map((r) => `${r.name}: ${r.errors}`).join("; ")}`);
}
