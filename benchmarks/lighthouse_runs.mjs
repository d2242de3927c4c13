// Runs Lighthouse on page after page in one Chromium, for benchmarks/lighthouse.py.
//
//   node benchmarks/lighthouse_runs.mjs PLAN.json
//
// PLAN.json: {"chromePath": ..., "chromeFlags": [...], "runs": [{"url", "formFactor"
// ("mobile" or "desktop"), "categories": [...], "output": path of the JSON report}]}.
// This is Lighthouse's documented programmatic use (one Chrome, many runs); a fresh
// Node process and Chromium for every run, as the CLI does, took 5 to 12 s more a run.
// A run that fails leaves a report holding only its runtimeError.
import fs from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { desktopConfig } from "lighthouse";

const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const chrome = await chromeLauncher.launch({
  chromePath: plan.chromePath,
  chromeFlags: plan.chromeFlags,
});
try {
  for (const [index, run] of plan.runs.entries()) {
    const start = Date.now();
    let report;
    try {
      const result = await lighthouse(
        run.url,
        {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: run.categories,
          disableFullPageScreenshot: true, // seconds a run, and no score reads it
        },
        run.formFactor === "desktop" ? desktopConfig : undefined,
      );
      report = result.report;
    } catch (error) {
      report = JSON.stringify({
        requestedUrl: run.url,
        runtimeError: { code: "DRIVER_ERROR", message: String(error) },
      });
    }
    fs.writeFileSync(run.output, report);
    const seconds = ((Date.now() - start) / 1000).toFixed(1);
    console.log(
      `lighthouse ${index + 1}/${plan.runs.length}: ${run.url} ${run.formFactor} ${seconds} s`,
    );
  }
} finally {
  await chrome.kill();
}
