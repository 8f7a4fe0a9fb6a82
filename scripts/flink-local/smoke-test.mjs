#!/usr/bin/env node
// End-to-end check of a cluster started by flink-local.sh, through Flink's REST API only.
//
//   node scripts/flink-local/smoke-test.mjs [--restart-jobmanager]
//
// Uses FLINK_VERSION / FLINK_REST_PORT like flink-local.sh. Builds the test job
// (test/flink-job) when its jar is missing. With --restart-jobmanager it also stops and
// restarts the JobManager via flink-local.sh and checks that upload + run work again.
// Exits non-zero on the first failed check.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, URL } from "node:url";

const scriptDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(scriptDir, "..", "..");
const flinkLocal = join(scriptDir, "flink-local.sh");
const port = process.env.FLINK_REST_PORT || "8081";
const base = `http://127.0.0.1:${port}`;
const jarPath = join(repoRoot, "test", "flink-job", "target", "flink-test-job.jar");
const entryClass = "com.example.flinkjob.TestJob";
const restartJobManager = process.argv.includes("--restart-jobmanager");

let passed = 0;
let failed = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
  return ok;
}

async function rest(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json };
}

async function waitFor(what, fn, timeoutMs = 60_000, intervalMs = 500) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last.done) return last;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

async function upload() {
  const form = new FormData();
  form.append("jarfile", new Blob([readFileSync(jarPath)], { type: "application/x-java-archive" }), "flink-test-job.jar");
  const res = await fetch(`${base}/jars/upload`, { method: "POST", body: form });
  const json = await res.json();
  check("POST /jars/upload", res.ok && json.status === "success", JSON.stringify(json));
  // "filename" is the absolute path on the JobManager; the jar id is its last segment.
  return json.filename.split("/").pop();
}

async function run(jarId, args, extra = {}) {
  return rest("POST", `/jars/${encodeURIComponent(jarId)}/run`, {
    entryClass,
    programArgsList: args,
    ...extra,
  });
}

async function waitForState(jobId, states, timeoutMs = 60_000) {
  const r = await waitFor(`job ${jobId} in ${states}`, async () => {
    const { json } = await rest("GET", `/jobs/${jobId}`);
    const vertices = (json.vertices || []).map((v) => v.status);
    const state = json.state;
    const ready = states.includes(state) && (state !== "RUNNING" || vertices.every((s) => s === "RUNNING"));
    return { done: ready, state, vertices };
  }, timeoutMs);
  return r.state;
}

function flinkLocalCmd(cmd) {
  execFileSync("bash", [flinkLocal, cmd], { stdio: "inherit", env: process.env });
}

async function main() {
  if (!existsSync(jarPath)) {
    console.log("building test/flink-job");
    execFileSync("mvn", ["-q", "-B", "-f", join(repoRoot, "test", "flink-job", "pom.xml"), "package"], { stdio: "inherit" });
  }

  const config = await rest("GET", "/config");
  check("GET /config has flink-version", typeof config.json["flink-version"] === "string", JSON.stringify(config.json));
  if (process.env.FLINK_VERSION) {
    check(`flink-version is ${process.env.FLINK_VERSION}`, config.json["flink-version"] === process.env.FLINK_VERSION, config.json["flink-version"]);
  }
  console.log(`     Flink ${config.json["flink-version"]} at ${base}`);

  const jarId = await upload();

  // bounded -> FINISHED
  {
    const r = await run(jarId, ["--mode", "bounded"]);
    check("run bounded returns jobid", r.status === 200 && !!r.json.jobid, JSON.stringify(r.json));
    const state = await waitForState(r.json.jobid, ["FINISHED", "FAILED", "CANCELED"]);
    check("bounded reaches FINISHED", state === "FINISHED", state);
  }

  // positional mode argument
  {
    const r = await run(jarId, ["bounded"]);
    const state = await waitForState(r.json.jobid, ["FINISHED", "FAILED", "CANCELED"]);
    check("positional 'bounded' reaches FINISHED", state === "FINISHED", state);
  }

  // fail -> FAILED with the message in /exceptions
  {
    const message = `smoke ${Date.now()}`;
    const r = await run(jarId, ["--mode", "fail", "--message", message]);
    check("run fail returns jobid", r.status === 200 && !!r.json.jobid, JSON.stringify(r.json));
    const state = await waitForState(r.json.jobid, ["FINISHED", "FAILED", "CANCELED"]);
    check("fail reaches FAILED", state === "FAILED", state);
    const ex = await rest("GET", `/jobs/${r.json.jobid}/exceptions`);
    const text = JSON.stringify(ex.json);
    check("exceptions show the task failure message", text.includes(`TestJob task failure: ${message}`), text.slice(0, 300));
  }

  // mainfail -> run call fails with the message
  {
    const message = `main ${Date.now()}`;
    const r = await run(jarId, ["--mode", "mainfail", "--message", message]);
    const text = JSON.stringify(r.json);
    check("run mainfail returns an error status", r.status >= 400, String(r.status));
    check("run mainfail error contains the message", text.includes(`TestJob main failure: ${message}`), text.slice(0, 300));
  }

  // unbounded -> stop with savepoint -> restore -> cancel
  {
    const r = await run(jarId, ["--mode", "unbounded"]);
    const jobId = r.json.jobid;
    check("unbounded reaches RUNNING", (await waitForState(jobId, ["RUNNING"])) === "RUNNING");
    const stop = await rest("POST", `/jobs/${jobId}/stop`, { drain: false });
    const triggerId = stop.json["request-id"];
    check("POST /jobs/:id/stop returns request-id", stop.status === 202 && !!triggerId, JSON.stringify(stop.json));
    const sp = await waitFor("savepoint", async () => {
      const { json } = await rest("GET", `/jobs/${jobId}/savepoints/${triggerId}`);
      return { done: json.status?.id === "COMPLETED", json };
    });
    const location = sp.json.operation?.location;
    check("stop-with-savepoint has a location", typeof location === "string", JSON.stringify(sp.json));
    const spPath = location.startsWith("file:") ? new URL(location.replace(/^file:\/*/, "file:///")).pathname : location;
    check("savepoint _metadata exists on disk", existsSync(join(spPath, "_metadata")) && statSync(join(spPath, "_metadata")).size > 0, spPath);
    const stoppedState = await waitForState(jobId, ["FINISHED", "CANCELED", "FAILED"]);
    check("stopped job ends FINISHED", stoppedState === "FINISHED", stoppedState);

    const r2 = await run(jarId, ["--mode", "unbounded"], { savepointPath: location });
    check("run from savepoint returns jobid", r2.status === 200 && !!r2.json.jobid, JSON.stringify(r2.json));
    check("restored job reaches RUNNING", (await waitForState(r2.json.jobid, ["RUNNING"])) === "RUNNING");
    const cps = await rest("GET", `/jobs/${r2.json.jobid}/checkpoints`);
    const restored = cps.json.latest?.restored;
    check("restored job reports the savepoint", restored?.external_path === location, JSON.stringify(restored));
    const cancel = await rest("PATCH", `/jobs/${r2.json.jobid}?mode=cancel`);
    check("PATCH ?mode=cancel accepted", cancel.status === 202, String(cancel.status));
    const cancelled = await waitForState(r2.json.jobid, ["CANCELED", "FAILED", "FINISHED"]);
    check("cancelled job ends CANCELED", cancelled === "CANCELED", cancelled);
  }

  if (restartJobManager) {
    flinkLocalCmd("stop-jobmanager");
    let down = false;
    try {
      await fetch(`${base}/overview`, { signal: AbortSignal.timeout(3000) });
    } catch {
      down = true;
    }
    check("REST is unreachable while the JobManager is down", down);
    const t0 = Date.now();
    flinkLocalCmd("start-jobmanager");
    console.log(`     start-jobmanager took ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    const jars = await rest("GET", "/jars");
    check("restarted JobManager has no uploaded jars", (jars.json.files || []).length === 0, JSON.stringify(jars.json));
    const oldRun = await run(jarId, ["--mode", "bounded"]);
    check("run with the old jar id fails after restart", oldRun.status >= 400, String(oldRun.status));
    const newJar = await upload();
    const r = await run(newJar, ["--mode", "bounded"]);
    const state = await waitForState(r.json.jobid, ["FINISHED", "FAILED", "CANCELED"]);
    check("bounded after JobManager restart reaches FINISHED", state === "FINISHED", state);
  }

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
