/**
 * Prints one job's `run:` steps of a GitHub workflow as a bash script, so a
 * job can be run locally exactly as the workflow file says (for example as a
 * non-root user with passwordless sudo, like GitHub-hosted runners):
 *
 *   npx tsx scripts/workflow-steps.ts .github/workflows/pull-request.yml test > steps.sh && bash steps.sh
 *
 * Steps that use actions (checkout, setup-node, upload) are listed as comments:
 * they prepare what a local checkout already has.
 */
import { readFileSync } from "node:fs";
import { workflowJobScript } from "../tools/workflow-steps";

const [file, job] = process.argv.slice(2);
if (!file || !job) {
  console.error("usage: npx tsx scripts/workflow-steps.ts <workflow.yml> <job>");
  process.exit(2);
}
process.stdout.write(workflowJobScript(readFileSync(file, "utf8"), job));
