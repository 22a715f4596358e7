/** Writes docs/CONFIG.md from the schema: `npm run docs:config`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderConfigReference } from "../core/model/config-reference";

const dir = join(__dirname, "..", "docs");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "CONFIG.md"), renderConfigReference());
console.log(`wrote ${join(dir, "CONFIG.md")}`);
