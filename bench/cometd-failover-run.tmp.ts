import { cometdFailoverFigures } from "./cometd-failover";
import { renderTable } from "./results";
cometdFailoverFigures({ samples: Number(process.env.N ?? 1), only: process.env.ONLY?.split(","), log: (l) => console.log(l) }).then((f) => { console.log(renderTable(f)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
