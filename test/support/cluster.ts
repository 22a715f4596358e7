/**
 * Real Pacemaker/Corosync for the httpd HA pair's rendered configuration.
 *
 * Offline (no root): a CIB file built by running the rendered pcs commands
 * with `pcs -f`, checked by crm_verify and played through crm_simulate.
 *
 * Live (root): the failover drill. Two nodes, each a network namespace plus
 * its own mount and PID namespace (private /run, /dev/shm, /etc/corosync,
 * /var/lib/pacemaker, /var/log), run `corosync -f` and `pacemakerd -f` with the
 * rendered corosync.conf; the rendered pcs commands create the VIP (IPaddr2)
 * and the webserver (the real apache agent starting apache2 with the rendered
 * recording balancer config, whose members are TLS stub nodes in the hub
 * namespace). A client in the hub requests through the VIP, the active node is
 * cut off and killed, and the drill times how long until the VIP answers from
 * the other node.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Environment, HttpdHaPair } from "../../core/model/environment";
import { loadEnvironment } from "../../core/model/load";
import { clusterSetup } from "../../core/render/cluster/cluster-setup";
import { COROSYNC_AUTHKEY_PATH, COROSYNC_CONF_PATH } from "../../core/render/cluster/corosync-conf";
import type { ClusterCommand } from "../../core/render/cluster/cluster-command";
import { resourceChain } from "../../core/render/cluster/pcs-commands";
import { renderHttpdSite } from "../../core/render/httpd/site";
import { readStackFile } from "../../tools/stack-file";
import { DEBIAN_MODULES_DIR } from "./apache";
import { collect, NamespaceLab } from "./netns";
import { waitFor } from "./ports";
import { requireBinary, run } from "./real-servers";
import { byPlanId } from "./plan-node-ids";

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function execTool(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env, timeout: timeoutMs, killSignal: "SIGKILL", encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number")
          return reject(new Error(`${file} ${args.join(" ")}: ${error.message}\n${stderr}`));
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Resource id -> node it is started on, from crm_simulate's "Revised Cluster Status". */
export function parseSimulatedPlacement(output: string): Record<string, string> {
  const revised = output.indexOf("Revised Cluster Status:");
  if (revised < 0) throw new Error(`crm_simulate printed no revised status:\n${output}`);
  const placement: Record<string, string> = {};
  for (const match of output.slice(revised).matchAll(/^\s*\* (\S+)\s+\([^)]+\):\s+Started (\S+)\s*$/gm))
    placement[match[1]] = match[2];
  return placement;
}

/** Resource id -> node, for started resources in `crm_mon --output-as=xml`. */
export function parseMonitorPlacement(xml: string): Record<string, string> {
  const placement: Record<string, string> = {};
  for (const match of xml.matchAll(/<resource id="([^"]+)"[^>]*\brole="Started"[^>]*>\s*<node name="([^"]+)"/g))
    placement[match[1]] = match[2];
  return placement;
}

/**
 * A CIB file in a temp dir, changed only through `pcs -f` and read by the
 * Pacemaker tools. Shadow copies and pcs temp files stay in the same dir.
 */
export class OfflineCib {
  readonly dir: string;
  readonly file: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly tools = {
    pcs: requireBinary("pcs", "pcs"),
    cibadmin: requireBinary("cibadmin", "pacemaker-cli-utils"),
    crmVerify: requireBinary("crm_verify", "pacemaker-cli-utils"),
    crmSimulate: requireBinary("crm_simulate", "pacemaker-cli-utils"),
  };
  private step = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "gnx-cib-"));
    this.file = join(this.dir, "cib.xml");
    this.env = { ...process.env, TMPDIR: this.dir, CIB_shadow_dir: this.dir, LC_ALL: "C" };
    writeFileSync(this.file, run(this.tools.cibadmin, ["--empty"]));
  }

  /** Runs a rendered `pcs …` command against the file (or a saved state); throws with pcs's message when it refuses. */
  async pcs(command: ClusterCommand, file = this.file): Promise<CommandResult> {
    const [program, ...args] = command.argv;
    if (program !== "pcs" || command.appendTo !== undefined)
      throw new Error(`not a pcs command: ${command.argv.join(" ")}`);
    // pcs reads the agent's metadata first (fence_aws imports boto3): seconds each on a loaded machine.
    const result = await execTool(this.tools.pcs, ["-f", file, ...args], this.env, 120_000);
    if (result.code !== 0)
      throw new Error(`pcs ${args.join(" ")} failed (${result.code}):\n${result.stderr}${result.stdout}`);
    return result;
  }

  /**
   * Marks the CIB quorate, as corosync's votequorum does for the live pair
   * (both nodes, or the survivor with two_node). crm_simulate has no
   * membership layer: without this it blocks every start for lack of quorum.
   */
  quorate(): void {
    const xml = readFileSync(this.file, "utf8");
    if (!/<cib [^>]*have-quorum=/.test(xml)) writeFileSync(this.file, xml.replace(/<cib /, '<cib have-quorum="1" '));
  }

  verify(): Promise<CommandResult> {
    return execTool(this.tools.crmVerify, ["-V", "-x", this.file], this.env);
  }

  /** Plays a transition from `from` (default: this CIB) and saves the resulting cluster state; returns the output and the state's path. */
  async simulate(
    args: readonly string[],
    from = this.file,
  ): Promise<{ output: string; placement: Record<string, string>; state: string }> {
    const state = join(this.dir, `state-${++this.step}.xml`);
    const result = await execTool(this.tools.crmSimulate, ["-x", from, "-S", "-O", state, ...args], this.env);
    if (result.code !== 0 || !existsSync(state))
      throw new Error(`crm_simulate ${args.join(" ")} failed (${result.code}):\n${result.stderr}${result.stdout}`);
    return { output: result.stdout, placement: parseSimulatedPlacement(result.stdout), state };
  }

  /** A copy of a saved state, to try a change on without touching the original. */
  fork(state: string): string {
    const copy = join(this.dir, `state-${++this.step}.xml`);
    copyFileSync(state, copy);
    return copy;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface FailoverDrillOptions {
  /** The RHEL 8 pair to drill: its node names, corosync transport and token are kept; the VIP becomes an IPaddr2 address on the drill subnet. */
  readonly pair: HttpdHaPair;
  /** Whose recording balancer the pair serves. @default the production stack's environment */
  readonly environment?: Environment;
  /** Bound of the whole drill, set-up and clean-up excluded. @default 60000 */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface FailoverResult {
  /** From cutting off the active node until the VIP answered from the other node. */
  readonly seconds: number;
  /** From starting corosync until Pacemaker saw both nodes online. */
  readonly startupSeconds: number;
  readonly failedNode: string;
  readonly survivor: string;
  /** Where the survivor's crm_mon places each started resource after the failover. */
  readonly placement: Readonly<Record<string, string>>;
  /** The request to DRILL_PATH through the VIP before the failover, relayed by the failed node. */
  readonly before: VipAnswer;
  /** The same request after the failover, relayed by the survivor. */
  readonly after: VipAnswer;
}

/** What a request through the VIP came back with. */
export interface VipAnswer {
  /** Cluster node whose httpd relayed the request: the stub saw the node's address. */
  readonly node: string;
  /** Node key of the stub that answered. */
  readonly backend: string;
  /** Path as the stub received it. */
  readonly backendPath: string;
  readonly setCookies: readonly string[];
}

/** Requested through the VIP: tenant t1's Interaction Recording Web Services API. */
export const DRILL_PATH = "/t1/api/drill";

/** Private test subnet; it exists only inside the drill's namespaces. */
export const SUBNET = "10.213.7";
export const HUB_ADDRESS = `${SUBNET}.254`;
export const VIRTUAL_IP = `${SUBNET}.100`;
const FIRST_BACKEND_PORT = 8443;

/**
 * Every recording node as a TLS stub on the hub's address, one port each. A
 * stub answers with its node key, the path it received and the address the
 * request came from; the ready file appears once all of them listen.
 */
export const BACKENDS_SCRIPT = `
const { readFileSync, writeFileSync } = require("node:fs");
const [host, cert, key, ready, nodes] = process.argv.slice(1);
const tls = { cert: readFileSync(cert), key: readFileSync(key) };
const listening = JSON.parse(nodes).map(({ name, port }) => new Promise((resolve) => {
  require("node:https").createServer(tls, (req, res) => {
    req.resume();
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ node: name, url: req.url, from: req.socket.remoteAddress }));
  }).listen(port, host, resolve);
}));
Promise.all(listening).then(() => writeFileSync(ready, ""));
`;

/**
 * One cluster node: private mounts over the host's cluster directories, then
 * corosync and, once corosync answers, pacemakerd. The shell stays PID 1 of the
 * node's PID namespace, so killing it (through unshare) ends every process of
 * the node, apache2 included. Both nodes read the same httpd config; its
 * runtime files go to the node's own /run and its logs to the node's /var/log.
 */
export const NODE_SCRIPT = `
set -eu
node_dir=$1
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount --bind "$node_dir/etc-corosync" /etc/corosync
mount --bind "$node_dir/lib-pacemaker" /var/lib/pacemaker
mount --bind "$node_dir/lib-corosync" /var/lib/corosync
mount --bind "$node_dir/log" /var/log
mount --bind "$node_dir/hosts" /etc/hosts
mkdir -p /run/crm
corosync -f &
tries=0
until corosync-cfgtool -s >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 200 ] || { echo "corosync did not start" >&2; exit 1; }
  sleep 0.1
done
pacemakerd -f &
wait
`;

/** The production stack's environment, read from the repository's stack file. */
export function productionEnvironment(): Environment {
  const loaded = loadEnvironment(readStackFile("prod", join(__dirname, "..", "..")).config);
  if (!loaded.environment) throw new Error(`Pulumi.prod.yaml does not load: ${JSON.stringify(loaded)}`);
  return loaded.environment;
}

/** Node key -> stub port for every recording node the environment balances. */
/** A stub port per recording member, by member id (what the renderer looks addresses up by); stubs answer with the node key. */
export function recordingBackends(env: Environment): { id: string; name: string; port: number }[] {
  const members = (env.recording?.tenants ?? []).flatMap((t) => t.services.flatMap((s) => s.members));
  if (members.length === 0)
    throw new Error("the drill serves the recording balancer, but the environment has no recording nodes");
  return members.map((m, i) => ({ id: m.id, name: m.key, port: FIRST_BACKEND_PORT + i }));
}

/**
 * A self-signed certificate for the recording nodes' DNS names, which all
 * resolve to the hub inside the drill: the stubs serve it and httpd trusts it
 * as their CA.
 */
export function hubCertificate(openssl: string, dir: string, names: readonly string[]): { cert: string; key: string } {
  const cert = join(dir, "hub.crt");
  const key = join(dir, "hub.key");
  run(openssl, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "1",
    "-subj",
    `/CN=${HUB_ADDRESS}`,
    "-addext",
    `subjectAltName=${[`IP:${HUB_ADDRESS}`, ...names.map((n) => `DNS:${n}`)].join(",")}`,
    "-keyout",
    key,
    "-out",
    cert,
  ]);
  return { cert, key };
}

/**
 * The rendered recording balancer for the drills, under `root`/httpd: its
 * members are TLS stubs in the hub (one port per recording node), signed by
 * the drill's own CA, which the site trusts instead of the stack's; the nodes
 * resolve the recording nodes' names to the hub (`hostsFile`), as the pair's
 * hosts resolve them through the VPC.
 */
export function drillSite(
  stack: Environment,
  root: string,
  tools: Pick<ReturnType<typeof drillTools>, "openssl" | "apache2">,
) {
  const httpdDir = join(root, "httpd");
  const backends = recordingBackends(stack);
  const names = [
    ...new Set(
      (stack.recording?.tenants ?? []).flatMap((t) => t.services.flatMap((s) => s.members.map((m) => m.dnsName))),
    ),
  ];
  const certificate = hubCertificate(tools.openssl, root, names);
  const environment: Environment = stack.recording
    ? { ...stack, recording: { ...stack.recording, backendCaBundle: readFileSync(certificate.cert, "utf8") } }
    : stack;
  const hostsFile = ["127.0.0.1 localhost", ...names.map((n) => `${HUB_ADDRESS} ${n}`)].join("\n") + "\n";
  // The apache agent polls its statusurl on port 80, where the rendered site listens on every address, the VIP included.
  const site = renderHttpdSite(
    environment,
    byPlanId(environment, Object.fromEntries(backends.map(({ id, port }) => [id, `${HUB_ADDRESS}:${port}`]))),
    {
      systems: ["recording"],
      listen: { port: 80 },
      serverRoot: httpdDir,
      modulesDir: DEBIAN_MODULES_DIR,
      runtimeDir: "/run",
      logDir: "/var/log",
      runAs: { user: "www-data", group: "www-data" },
      memberRetrySeconds: 1,
    },
  );
  for (const file of site) {
    if (relative(httpdDir, file.path).startsWith(".."))
      throw new Error(`the rendered site wrote ${file.path} outside ${httpdDir}`);
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
  }
  const httpdConf = site[0].path;
  run(tools.apache2, ["-t", "-f", httpdConf]);
  return { httpdConf, certificate, backends, hostsFile };
}

/** uid of hacluster and gid of haclient, the owners Pacemaker's daemons expect on their directories. */
export function clusterAccount(): { uid: number; gid: number } {
  const uid = Number(run("getent", ["passwd", "hacluster"]).split(":")[2]);
  const gid = Number(run("getent", ["group", "haclient"]).split(":")[2]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error("the pacemaker package's hacluster user or haclient group is missing");
  return { uid, gid };
}

export interface DrillNode {
  readonly name: string;
  readonly namespace: string;
  /** The node's disk: corosync.conf, Pacemaker's state, logs, /etc/hosts. */
  readonly dir: string;
  /** Its address on the drill subnet. */
  readonly address: string;
  child?: ChildProcess;
  initPid?: number;
}

/** Every program the drill runs, or a loud error naming the missing package. */
export function drillTools() {
  return {
    corosync: requireBinary("corosync", "corosync"),
    keygen: requireBinary("corosync-keygen", "corosync"),
    pacemakerd: requireBinary("pacemakerd", "pacemaker"),
    pcs: requireBinary("pcs", "pcs"),
    crmMon: requireBinary("crm_mon", "pacemaker-cli-utils"),
    cibadmin: requireBinary("cibadmin", "pacemaker-cli-utils"),
    crmAttribute: requireBinary("crm_attribute", "pacemaker-cli-utils"),
    apache2: requireBinary("apache2", "apache2-bin"),
    curl: requireBinary("curl", "curl"),
    openssl: requireBinary("openssl", "openssl"),
  };
}

/*
 * The drills' namespace plumbing, shared by the IPaddr2 drill below and the
 * production-chain drill (aws-drill.ts): the network, each node's disk, booting
 * a node in its own namespaces, commands inside it, the client's request to
 * the VIP, and cutting a node off.
 */

/** The hub (a bridge at HUB_ADDRESS) and a namespace per node on SUBNET, node i at .i+1. */
export function drillNetwork(
  lab: NamespaceLab,
  root: string,
  keys: readonly string[],
): { hub: string; nodes: DrillNode[] } {
  const hub = lab.addNamespace("hub");
  lab.addBridge(hub, `${HUB_ADDRESS}/24`);
  const nodes = keys.map((name, i) => {
    const namespace = lab.addNamespace(String.fromCharCode(97 + i));
    const address = `${SUBNET}.${i + 1}`;
    lab.attach(hub, namespace, `${address}/24`);
    return { name, namespace, dir: join(root, name), address };
  });
  return { hub, nodes };
}

/**
 * The CIB both nodes boot with: empty but for dc-deadtime (Pacemaker otherwise
 * waits 20 s for a DC at start-up); and the corosync key when the setup shares one.
 */
export async function initialCib(
  root: string,
  tools: ReturnType<typeof drillTools>,
  setup: ReturnType<typeof clusterSetup>,
): Promise<string> {
  const cib = join(root, "cib.xml");
  writeFileSync(cib, run(tools.cibadmin, ["--empty"]));
  const preset = await execTool(
    tools.crmAttribute,
    ["--type", "crm_config", "--name", "dc-deadtime", "--update", "2s"],
    { ...process.env, CIB_file: cib },
    10_000,
  );
  if (preset.code !== 0) throw new Error(`crm_attribute could not pre-set dc-deadtime: ${preset.stderr}`);
  if (setup.sharedSecrets.includes(COROSYNC_AUTHKEY_PATH)) run(tools.keygen, ["-k", join(root, "authkey")]);
  return cib;
}

/** A node's disk: the rendered corosync.conf (and key), Pacemaker's directories as its daemons expect, the CIB, /etc/hosts. */
export function prepareNodeDisk(
  node: DrillNode,
  root: string,
  setup: ReturnType<typeof clusterSetup>,
  cib: string,
  hosts: string,
): void {
  const { uid, gid } = clusterAccount();
  const at = (...parts: string[]) => join(node.dir, ...parts);
  for (const dir of ["etc-corosync", "lib-corosync", "log/cluster"]) mkdirSync(at(dir), { recursive: true });
  for (const dir of [
    "lib-pacemaker/cib",
    "lib-pacemaker/pengine",
    "lib-pacemaker/blackbox",
    "lib-pacemaker/cores",
    "log/pacemaker",
  ]) {
    mkdirSync(at(dir), { recursive: true });
    chownSync(at(dir), uid, gid);
    chmodSync(at(dir), 0o750);
  }
  for (const file of setup.files) {
    if (file.path !== COROSYNC_CONF_PATH) throw new Error(`the drill does not know where ${file.path} goes`);
    writeFileSync(at("etc-corosync", "corosync.conf"), file.content, { mode: parseInt(file.mode, 8) });
  }
  if (setup.sharedSecrets.length > 0) copyFileSync(join(root, "authkey"), at("etc-corosync", "authkey"));
  writeFileSync(at("hosts"), hosts);
  copyFileSync(cib, at("lib-pacemaker", "cib", "cib.xml"));
  chownSync(at("lib-pacemaker", "cib", "cib.xml"), uid, gid);
  chmodSync(at("lib-pacemaker", "cib", "cib.xml"), 0o600);
}

/** The recording members: TLS stubs in the hub, one port each (BACKENDS_SCRIPT). */
export async function startBackends(
  lab: NamespaceLab,
  hub: string,
  root: string,
  site: Pick<ReturnType<typeof drillSite>, "certificate" | "backends">,
  timeoutMs: number,
): Promise<void> {
  const ready = join(root, "backends.ready");
  lab.spawnIn(hub, [
    process.execPath,
    "-e",
    BACKENDS_SCRIPT,
    HUB_ADDRESS,
    site.certificate.cert,
    site.certificate.key,
    ready,
    JSON.stringify(site.backends.map(({ name, port }) => ({ name, port }))),
  ]);
  await waitFor(async () => existsSync(ready), timeoutMs, "the recording stubs in the hub namespace");
}

/** Boots a node: `script` (NODE_SCRIPT or a variant) in the node's own mount and PID namespaces; resolves once its init is known. */
export async function bootNode(
  lab: NamespaceLab,
  node: DrillNode,
  script: string,
  options: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs: number },
): Promise<void> {
  const out = openSync(join(node.dir, "node.out"), "a");
  const child = lab.spawnIn(
    node.namespace,
    [
      lab.tools.unshare,
      "--mount",
      "--pid",
      "--fork",
      "--kill-child",
      "--mount-proc",
      "--propagation",
      "private",
      "sh",
      "-c",
      script,
      "sh",
      node.dir,
    ],
    { stdio: ["ignore", out, out], env: options.env },
  );
  closeSync(out);
  node.child = child;
  node.initPid = undefined;
  await waitFor(
    async () => {
      const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim();
      if (children === "") return false;
      node.initPid = Number(children.split(/\s+/)[0]);
      return true;
    },
    options.timeoutMs,
    `${node.name}'s namespace init`,
  );
}

/** Runs `argv` inside a booted node's mount, network and PID namespaces. */
export function inNode(
  lab: NamespaceLab,
  node: DrillNode,
  argv: readonly string[],
  timeoutMs: number,
  env?: NodeJS.ProcessEnv,
) {
  if (node.initPid === undefined) throw new Error(`${node.name} is not running`);
  const child = spawn(
    lab.tools.nsenter,
    ["--target", String(node.initPid), "--mount", "--net", "--pid", "--", ...argv],
    {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      env,
    },
  );
  return collect(child, timeoutMs);
}

/** The names crm_mon on `node` reports online. */
export function onlineIn(crmMonXml: string): string[] {
  return [...crmMonXml.matchAll(/<node name="([^"]+)"[^>]*\bonline="true"/g)].map((m) => m[1]);
}

/** A client in the hub asks the VIP for the drill path; undefined until a node relays a stub's answer. */
export async function askVip(
  lab: NamespaceLab,
  hub: string,
  tools: ReturnType<typeof drillTools>,
  nodes: readonly DrillNode[],
  timing: { readonly connectSeconds: number; readonly maxSeconds: number },
): Promise<VipAnswer | undefined> {
  const response = await lab.execIn(
    hub,
    [
      tools.curl,
      "-s",
      "-i",
      "--noproxy",
      "*",
      "--connect-timeout",
      String(timing.connectSeconds),
      "--max-time",
      String(timing.maxSeconds),
      `http://${VIRTUAL_IP}${DRILL_PATH}`,
    ],
    timing.maxSeconds * 1000 + 1_500,
  );
  const nodeAt = new Map(nodes.map((n) => [n.address, n.name]));
  return response.code === 0 ? parseVipAnswer(response.stdout, nodeAt) : undefined;
}

/** Cuts a node off as a power loss would: its link goes down and every process of its PID namespace dies. */
export async function cutNode(lab: NamespaceLab, node: DrillNode): Promise<void> {
  lab.ip(node.namespace, "link", "set", "eth0", "down");
  if (node.child) await lab.kill(node.child);
  node.initPid = undefined;
}

/** Runs the failover drill once; every namespace and process it made is gone when it settles. */
export async function failoverDrill(opts: FailoverDrillOptions): Promise<FailoverResult> {
  const tools = drillTools();
  if (opts.pair.os !== "rhel8")
    throw new Error("the drill runs the RHEL 8 form (corosync.conf); RHEL 6's cman is not packaged for Debian");
  const lab = new NamespaceLab();
  const root = mkdtempSync(join(tmpdir(), "gnx-drill-"));
  try {
    return await drill(opts, lab, root, tools, opts.log ?? (() => undefined));
  } finally {
    await lab.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}

async function drill(
  opts: FailoverDrillOptions,
  lab: NamespaceLab,
  root: string,
  tools: ReturnType<typeof drillTools>,
  log: (line: string) => void,
): Promise<FailoverResult> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const remaining = (what: string) => {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`failover drill ran out of time before ${what}`);
    return left;
  };

  const { hub, nodes } = drillNetwork(
    lab,
    root,
    opts.pair.nodes.map((n) => n.key),
  );
  log(`namespaces ${lab.prefix}-{hub,a,b} on ${SUBNET}.0/24`);

  const nodeAddresses = Object.fromEntries(nodes.map((n) => [n.name, n.address]));
  const site = drillSite(opts.environment ?? productionEnvironment(), root, tools);

  // No EC2 API here: the drill runs IPaddr2 without fencing, so it proves detection and the chain's move, not fence_aws or awsvip.
  const pair: HttpdHaPair = {
    ...opts.pair,
    fencing: "none",
    virtualIp: { agent: "IPaddr2", address: VIRTUAL_IP, cidrNetmask: 24, nic: "eth0" },
  };
  const setup = clusterSetup(pair, { addresses: nodeAddresses, httpdConfigFile: site.httpdConf });

  const cib = await initialCib(root, tools, setup);
  for (const node of nodes) prepareNodeDisk(node, root, setup, cib, site.hostsFile);
  await startBackends(lab, hub, root, site, Math.min(5_000, remaining("the backends started")));

  const started = Date.now();
  for (const node of nodes) await bootNode(lab, node, NODE_SCRIPT, { timeoutMs: 5_000 });
  const crmMon = async (node: DrillNode) =>
    (await inNode(lab, node, [tools.crmMon, "--output-as=xml", "-1"], 5_000)).stdout;
  const [first] = nodes;
  await waitFor(
    async () => onlineIn(await crmMon(first)).length === nodes.length,
    remaining("both nodes joined"),
    "both nodes online in crm_mon",
    200,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${nodeDiagnostics(nodes)}`);
  });
  const startupSeconds = (Date.now() - started) / 1000;
  log(`both nodes online after ${startupSeconds.toFixed(1)} s`);

  for (const command of setup.oneNode) {
    const result = await inNode(lab, first, command.argv, Math.min(30_000, remaining(command.argv.join(" "))));
    if (result.code !== 0)
      throw new Error(
        `${command.argv.join(" ")} failed on ${first.name} (${result.code}):\n${result.stderr}${result.stdout}`,
      );
  }
  log(`applied ${setup.oneNode.length} pcs commands`);

  const vip = () => askVip(lab, hub, tools, nodes, { connectSeconds: 0.3, maxSeconds: 1 });
  let before: VipAnswer | undefined;
  await waitFor(
    async () => (before = await vip()) !== undefined,
    remaining("the VIP answered"),
    "the VIP to answer through apache2",
    200,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${nodeDiagnostics(nodes)}`);
  });
  const failed = nodes.find((n) => n.name === before!.node);
  const survivor = nodes.find((n) => n.name !== before!.node);
  if (!failed || !survivor)
    throw new Error(`the VIP answered from ${JSON.stringify(before!.node)}, which is not a node of the pair`);
  log(`VIP ${VIRTUAL_IP} answered from ${failed.name}; failing it`);

  const cutAt = performance.now();
  await cutNode(lab, failed);
  let after: VipAnswer | undefined;
  await waitFor(
    async () => (after = await vip())?.node === survivor.name,
    remaining("the VIP moved"),
    `the VIP to answer from ${survivor.name}`,
    50,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${nodeDiagnostics(nodes)}`);
  });
  const seconds = (performance.now() - cutAt) / 1000;
  log(`VIP answered from ${survivor.name} ${seconds.toFixed(2)} s after ${failed.name} failed`);

  // apache2 answers before the agent's own start check has finished: wait for Pacemaker to record every resource as started.
  const chain = resourceChain(pair);
  let placement: Record<string, string> = {};
  await waitFor(
    async () => {
      placement = parseMonitorPlacement(await crmMon(survivor));
      return chain.every((resource) => placement[resource] !== undefined);
    },
    remaining("every resource was started"),
    `every resource started on ${survivor.name}`,
    200,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last placement ${JSON.stringify(placement)}`);
  });
  return {
    seconds,
    startupSeconds,
    failedNode: failed.name,
    survivor: survivor.name,
    placement,
    before: before!,
    after: after!,
  };
}

/** A 200 from a recording stub, relayed by one of the pair's nodes (by the address the stub saw); anything else is no answer yet. */
export function parseVipAnswer(response: string, nodeAt: ReadonlyMap<string, string>): VipAnswer | undefined {
  const split = response.indexOf("\r\n\r\n");
  if (split < 0 || !/^HTTP\/1\.1 200 /.test(response)) return undefined;
  const head = response.slice(0, split);
  let stub: { node?: unknown; url?: unknown; from?: unknown };
  try {
    stub = JSON.parse(response.slice(split + 4)) as typeof stub;
  } catch {
    return undefined;
  }
  const node = typeof stub.from === "string" ? nodeAt.get(stub.from) : undefined;
  if (node === undefined || typeof stub.node !== "string" || typeof stub.url !== "string") return undefined;
  return {
    node,
    backend: stub.node,
    backendPath: stub.url,
    setCookies: [...head.matchAll(/^Set-Cookie: (.*?)\r?$/gim)].map((m) => m[1]),
  };
}

/** The tail of each node's logs, for a failure message. */
export function nodeDiagnostics(nodes: readonly DrillNode[]): string {
  const tail = (path: string) =>
    existsSync(path) ? readFileSync(path, "utf8").split("\n").slice(-15).join("\n") : "(none)";
  return nodes
    .map(
      (n) =>
        `--- ${n.name} node.out\n${tail(join(n.dir, "node.out"))}\n--- ${n.name} corosync.log\n${tail(join(n.dir, "log", "cluster", "corosync.log"))}\n--- ${n.name} pacemaker.log\n${tail(join(n.dir, "log", "pacemaker", "pacemaker.log"))}\n--- ${n.name} httpd error_log\n${tail(join(n.dir, "log", "error_log"))}`,
    )
    .join("\n");
}
