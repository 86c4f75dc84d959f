// Drains no-op jobs through graphile-worker, the peer of ./dev bench jobs-claim, with the settings of its
// performance guide (https://worker.graphile.org/docs/performance): 24 concurrent jobs, a pool of 25, a local queue
// of 500 and batched completion. The bench starts it, waits for "queued", measures the machine's CPU from the moment
// it answers "go", reads one JSON line back ({"jobs", "seconds", "perSecond"}) and answers "exit" once it has read
// this process's CPU.
//
//   DATABASE_URL=postgres://… node drain.cjs <jobs>
"use strict";
process.env.NO_LOG_SUCCESS = "1"; // as the guide's perfTest runs: a log line per job would be most of the cost
const { makeWorkerUtils, run } = require("graphile-worker");
const readline = require("node:readline");

const jobs = Number(process.argv[2] || 20000);
const preset = {
  worker: {
    connectionString: process.env.DATABASE_URL,
    schema: process.env.GRAPHILE_WORKER_SCHEMA || "bench_graphile",
    concurrentJobs: 24,
    maxPoolSize: 25,
    localQueue: { size: 500 },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
  },
};

async function main() {
  const utils = await makeWorkerUtils({ preset });
  try {
    await utils.migrate();
    // What an interrupted run left behind would be drained too: the run counts only its own jobs.
    await utils.withPgClient((client) => client.query(`delete from ${preset.worker.schema}._private_jobs`));
    const batch = [];
    for (let i = 0; i < jobs; i++) {
      batch.push({ identifier: "noop", payload: { i } });
      if (batch.length === 1000 || i === jobs - 1) {
        await utils.addJobs(batch.splice(0));
      }
    }
  } finally {
    await utils.release();
  }
  console.log(`queued ${jobs}`);
  const lines = readline.createInterface({ input: process.stdin });
  const nextLine = () => new Promise((resolve) => lines.once("line", resolve));
  await nextLine();

  const started = process.hrtime.bigint();
  let done = 0;
  let allDone;
  const finished = new Promise((resolve) => (allDone = resolve));
  const runner = await run({
    preset,
    noHandleSignals: true,
    taskList: {
      noop: async () => {
        if (++done === jobs) allDone();
      },
    },
  });
  await finished;
  // Stopping flushes the batched completions: the run ends when every job's completion is committed.
  await runner.stop();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ jobs, seconds, perSecond: jobs / seconds }));
  // The bench reads this process's CPU until it answers: only then may it end.
  await nextLine();
  lines.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
