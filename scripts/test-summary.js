// Prints vitest's JSON report as the plain closing line CI reads:
// "N passed, N failed" (with ", N skipped" when any test was skipped).
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.log(`no test report at ${file}: ${err.message}`);
  process.exit(1);
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A file that failed outside its tests (import error, beforeAll) counts as one
// failure, even though its tests are reported as skipped.
const failedSuites = (report.testResults ?? []).filter(
  (r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed'),
).length;
const failed = (report.numFailedTests ?? 0) + failedSuites;
const line = `${report.numPassedTests ?? 0} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
console.log(line);
process.exit(failed > 0 || (report.numTotalTests ?? 0) === 0 ? 1 : 0);
