/**
 * The shell scripts provisioning runs on the pair's hosts over SSH. Pure text:
 * every value that reaches a script is either checked against a strict
 * pattern or shell-quoted, and file contents travel base64-encoded, so no
 * rendered text can break out of its command.
 */
import { createHash } from "node:crypto";
import { dirname as posixDirname } from "node:path/posix";
import { commandLine, type ClusterCommand } from "../../core/render/cluster/cluster-command";
import { shellQuote } from "../../core/render/cluster/shell-quote";
import type { HttpdHaPair } from "../../core/model/environment";
import { usesPcs } from "../../core/model/ha-os";
import { REGION_PATTERN } from "../../core/model/schema";
import { agentUsesAwsApi } from "./vip-permissions";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Runs a script as root through sudo (non-interactive: a missing sudo rule fails instead of hanging). */
export function asRoot(script: string): string {
  return `sudo -n /bin/sh -c ${shellQuote(script)}`;
}

const RELATIVE_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const ABSOLUTE_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+)+$/;
const FILE_MODE = /^0[0-7]{3}$/;

function checked(pattern: RegExp, value: string, what: string): string {
  if (!pattern.test(value))
    throw new Error(
      `${what} ${JSON.stringify(value)} must be made of letters, digits, '.', '_' or '-' segments without '..'`,
    );
  return value;
}

/** Where provisioning keeps staged httpd files and the list of files it manages. */
export const STATE_DIR = "/var/lib/genesys-httpd";

/** The path of a rendered file relative to the httpd server root (`conf.d/loadbalancer_t1.conf`). */
export function pathUnderRoot(root: string, path: string): string {
  checked(ABSOLUTE_PATH, root, "server root");
  checked(ABSOLUTE_PATH, path, "rendered file");
  if (!path.startsWith(`${root}/`))
    throw new Error(
      `rendered file ${path} is outside the server root ${root}; only files under it are staged and validated together`,
    );
  return checked(RELATIVE_PATH, path.slice(root.length + 1), "rendered file");
}

/** Lines that write `content` to `path` atomically (temp file, then rename). */
function writeFileLines(path: string, content: string, mode: string): string[] {
  checked(ABSOLUTE_PATH, path, "file");
  checked(FILE_MODE, mode, "mode");
  const dest = shellQuote(path);
  const tmp = shellQuote(`${path}.genesys-tmp`);
  return [
    `mkdir -p "$(dirname ${dest})"`,
    `printf '%s' ${Buffer.from(content, "utf8").toString("base64")} | base64 -d > ${tmp}`,
    `chmod ${mode} ${tmp}`,
    `mv -f ${tmp} ${dest}`,
  ];
}

const script = (lines: readonly string[]) => ["set -eu", ...lines, ""].join("\n");

/** Where the site speaks TLS: to the recording servers (backend), to the clients (client). */
export interface SiteTls {
  readonly backend: boolean;
  readonly client: boolean;
}

/**
 * Packages of the vendor guide, plus the AWS CLI that the AWS agents call and
 * its region; httpd is disabled so that only Pacemaker starts it. RHEL 8's
 * list has mod_ssl; RHEL 6's gets it (the guide's TLS step) when the site
 * speaks TLS on either side. A host firewall admits https with client TLS.
 */
export function installScript(
  pair: Pick<HttpdHaPair, "os" | "virtualIp" | "fencing">,
  region: string,
  tls: SiteTls,
): string {
  if (!REGION_PATTERN.test(region))
    throw new Error(`region ${JSON.stringify(region)} must be an AWS region code such as eu-west-1`);
  const aws = agentUsesAwsApi(pair.virtualIp.agent);
  // RHEL 9 moved the AWS agents to resource-agents-cloud and packages the AWS CLI as awscli2.
  // fence_aws (with boto3) is fence-agents-aws on RHEL 8 and 9; the model refuses it on RHEL 6.
  const extra = `${aws ? (pair.os === "rhel9" ? " resource-agents-cloud awscli2" : " awscli") : ""}${pair.fencing === "fence_aws" && pair.os !== "rhel6" ? " fence-agents-aws" : ""}`;
  const lines = usesPcs(pair.os)
    ? [
        `dnf -y install httpd mod_ssl pacemaker pcs resource-agents${extra}`,
        "systemctl disable --now httpd",
        // Security groups are the firewall on AWS; a host firewall, when an image runs one, must agree with them.
        // corosync's ports only: the high-availability service would also open pcsd's 2224, which nothing here uses.
        `if systemctl -q is-active firewalld; then firewall-cmd --permanent --add-port=5404-5406/udp --add-service=http${tls.client ? " --add-service=https" : ""} && firewall-cmd --reload; fi`,
      ]
    : [
        `yum -y install httpd pacemaker cman pcs ccs resource-agents${tls.backend || tls.client ? " mod_ssl" : ""}${extra}`,
        "chkconfig httpd off",
        "service httpd stop >/dev/null 2>&1 || true",
        // iptables 1.4.7 has no -C: delete any earlier copy, then insert, so a re-run adds nothing twice.
        `if service iptables status >/dev/null 2>&1; then for rule in '-p udp --dport 5404:5406' '-p tcp --dport 80'${tls.client ? " '-p tcp --dport 443'" : ""}; do iptables -D INPUT $rule -j ACCEPT 2>/dev/null || true; iptables -I INPUT $rule -j ACCEPT; done; service iptables save; fi`,
      ];
  // SELinux lets httpd connect only to web ports; the recording members listen on others (8889, 8008...).
  lines.push(
    "if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled; then setsebool -P httpd_can_network_connect 1; fi",
  );
  if (aws) {
    // The agents call `aws --profile default` as root without a region argument.
    lines.push(...writeFileLines("/root/.aws/config", `[default]\nregion = ${region}\n`, "0600"));
  }
  return script(lines);
}

/** Writes one rendered file into the staging area; nothing live changes. */
export function stageFileScript(relativePath: string, content: string, stateDir = STATE_DIR): string {
  checked(RELATIVE_PATH, relativePath, "staged file");
  return script(writeFileLines(`${stateDir}/stage/${relativePath}`, content, "0644"));
}

/** A member address placeholder in a rendered template: `member-7.address.invalid` (RFC 6761 reserves .invalid). */
export const ADDRESS_PLACEHOLDER = /^member-\d{1,5}\.address\.invalid$/;
const IPV4_ADDRESS = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * The sed script that puts the members' addresses into a staged template:
 * one `s/<placeholder>/<address>/g` per member. Placeholders and addresses
 * are checked, so neither can carry a sed or shell command.
 */
export function addressSubstitutions(addresses: Readonly<Record<string, string>>): string {
  return Object.entries(addresses)
    .map(([placeholder, address]) => {
      checked(ADDRESS_PLACEHOLDER, placeholder, "address placeholder");
      if (!IPV4_ADDRESS.test(address))
        throw new Error(`member address ${JSON.stringify(address)} must be an IPv4 address`);
      return `s/${placeholder.replace(/\./g, "\\.")}/${address}/g\n`;
    })
    .join("");
}

/**
 * Stages a rendered file whose member addresses are placeholders: the script
 * carries the template (known before any host exists, so policies read it in
 * a preview), standard input the sed substitutions (addressSubstitutions).
 * The staged file is byte for byte the file rendered with the addresses.
 */
export function stageTemplateScript(relativePath: string, template: string, stateDir = STATE_DIR): string {
  checked(RELATIVE_PATH, relativePath, "staged file");
  const path = `${stateDir}/stage/${relativePath}`;
  checked(ABSOLUTE_PATH, path, "file");
  const dest = shellQuote(path);
  const tmp = shellQuote(`${path}.genesys-tmp`);
  const substitutions = shellQuote(`${path}.genesys-addresses`);
  return script([
    `mkdir -p "$(dirname ${dest})"`,
    `cat > ${substitutions}`,
    `printf '%s' ${Buffer.from(template, "utf8").toString("base64")} | base64 -d | sed -f ${substitutions} > ${tmp}`,
    `rm -f ${substitutions}`,
    `chmod 0644 ${tmp}`,
    `mv -f ${tmp} ${dest}`,
  ]);
}

/**
 * Writes a file that lives outside the server root (a TLS certificate or key)
 * into the staging area, its content read base64 from standard input so the
 * command text never carries it; nothing live changes.
 */
export function stageOutsideFileScript(absolutePath: string, mode: string, stateDir = STATE_DIR): string {
  checked(ABSOLUTE_PATH, absolutePath, "staged file");
  checked(FILE_MODE, mode, "mode");
  const dest = shellQuote(`${stateDir}/outside${absolutePath}`);
  const tmp = shellQuote(`${stateDir}/outside${absolutePath}.genesys-tmp`);
  return script([
    `mkdir -p "$(dirname ${dest})"`,
    `(umask 077; base64 -d > ${tmp})`,
    `chmod ${mode} ${tmp}`,
    `mv -f ${tmp} ${dest}`,
  ]);
}

export interface StagedFile {
  /** Path relative to the server root (absolute for files outside it). */
  readonly path: string;
  readonly sha256: string;
}

export interface ApplyConfigOptions {
  /** The live server root, e.g. /etc/httpd. */
  readonly serverRoot: string;
  /** The main config, relative to serverRoot. */
  readonly mainConfig: string;
  /** Every file of the site, relative to serverRoot, with the hash the staging area must hold. */
  readonly files: readonly StagedFile[];
  /** Files the site reads from outside serverRoot (TLS certificate and key), absolute, staged by stageOutsideFileScript. */
  readonly outsideFiles?: readonly StagedFile[];
  /** PID file of the httpd that runs this configuration (absolute). */
  readonly pidFile: string;
  /** The httpd binary that validates. @default httpd */
  readonly httpd?: string;
  readonly stateDir?: string;
  /** Check the staged site with `httpd -t` and stop there: nothing live changes (run on every host before any swaps). */
  readonly validateOnly?: boolean;
}

/**
 * Validates the staged site as a whole, then swaps it in and reloads.
 *
 * The candidate is a copy of the live server root with the staged files laid
 * over it; `httpd -t` checks it in a private mount namespace where the copy is
 * bind-mounted over the live root, so absolute Include/ServerRoot paths and
 * relative links (modules, logs) resolve exactly as they will once live. A
 * candidate that fails changes nothing. Otherwise each file is renamed into
 * place (atomic per file), files of an earlier rendering that are no longer
 * rendered (a removed tenant) are deleted, SELinux labels are restored, and a
 * running httpd reloads gracefully (SIGUSR1 to the httpd named by its PID file). A
 * stopped one (the passive node) stays stopped: `httpd -k graceful` would
 * start it behind Pacemaker's back.
 *
 * Files outside the server root (TLS certificate and key) take part the same
 * way: each directory holding one is copied, the staged files laid over the
 * copy, and the copy bind-mounted over the live directory for `httpd -t`, so
 * a config that names a new certificate is checked with that certificate
 * (a missing directory is created first: a bind mount needs its target).
 * They are swapped in with their staged mode; one no longer rendered stays.
 */
export function applyConfigScript(options: ApplyConfigOptions): string {
  const root = checked(ABSOLUTE_PATH, options.serverRoot, "server root");
  const stateDir = checked(ABSOLUTE_PATH, options.stateDir ?? STATE_DIR, "state directory");
  const httpd = options.httpd ?? "httpd";
  const main = checked(RELATIVE_PATH, options.mainConfig, "main config");
  const paths = options.files.map((f) => checked(RELATIVE_PATH, f.path, "staged file"));
  if (!paths.includes(main)) throw new Error(`the main config ${main} is not among the staged files`);
  if (new Set(paths).size !== paths.length) throw new Error(`a staged file is listed twice: ${paths.join(", ")}`);
  const manifest = options.files.map((f) => {
    if (!/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`sha256 of ${f.path} must be 64 hex digits`);
    return shellQuote(`${f.sha256}  ${f.path}`);
  });
  const pidFile = checked(ABSOLUTE_PATH, options.pidFile, "PID file");
  const outside = (options.outsideFiles ?? []).map((f) => {
    checked(ABSOLUTE_PATH, f.path, "outside file");
    if (f.path.startsWith(`${root}/`))
      throw new Error(`${f.path} is under the server root ${root}; stage it with the site's files`);
    if (!/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`sha256 of ${f.path} must be 64 hex digits`);
    return { path: f.path.slice(1), sha256: f.sha256 };
  });
  if (new Set(outside.map((f) => f.path)).size !== outside.length)
    throw new Error(`an outside file is listed twice: ${outside.map((f) => `/${f.path}`).join(", ")}`);
  const outsideDirs = [...new Set(outside.map((f) => posixDirname(f.path)))];
  return script([
    `live=${shellQuote(root)}`,
    `state=${shellQuote(stateDir)}`,
    `files=${shellQuote(paths.join(" "))}`,
    `outside=${shellQuote(outside.map((f) => f.path).join(" "))}`,
    `outside_dirs=${shellQuote(outsideDirs.join(" "))}`,
    `printf '%s\\n' ${manifest.join(" ")} > "$state/manifest.next"`,
    `printf '%s\\n' ${outside.map((f) => shellQuote(`${f.sha256}  ${f.path}`)).join(" ")} > "$state/manifest-outside"`,
    `if ! (cd "$state/stage" && sha256sum -c --status "$state/manifest.next") || { [ -n "$outside" ] && ! (cd "$state/outside" && sha256sum -c --status "$state/manifest-outside"); }; then`,
    `  echo "staged httpd files differ from this deployment's rendering; run the deployment again" >&2`,
    "  exit 1",
    "fi",
    "stale=''",
    `if [ -f "$state/manifest" ]; then`,
    `  for p in $(cut -d' ' -f3 "$state/manifest"); do`,
    `    case " $files " in *" $p "*) ;; *) stale="$stale $p" ;; esac`,
    "  done",
    "fi",
    `work=$(mktemp -d "$(dirname "$live")/.genesys-httpd.XXXXXX")`,
    `owork=$(mktemp -d "$(dirname "$live")/.genesys-outside.XXXXXX")`,
    `trap 'rm -rf "$work" "$owork"' EXIT`,
    `cp -a "$live/." "$work/"`,
    `for p in $stale; do rm -f "$work/$p"; done`,
    `for p in $files; do mkdir -p "$(dirname "$work/$p")"; cp "$state/stage/$p" "$work/$p"; done`,
    `for d in $outside_dirs; do mkdir -p "/$d" "$owork/$d"; cp -a "/$d/." "$owork/$d/"; done`,
    `for p in $outside; do cp -p "$state/outside/$p" "$owork/$p"; done`,
    `if ! unshare -m /bin/sh -c 'w=$1 l=$2 h=$3 m=$4 o=$5; shift 5; mount --bind "$w" "$l" || exit 1; for d in "$@"; do mount --bind "$o/$d" "/$d" || exit 1; done; exec "$h" -t -f "$l/$m"' validate "$work" "$live" ${shellQuote(httpd)} ${shellQuote(main)} "$owork" $outside_dirs; then`,
    `  echo "the rendered httpd configuration fails httpd -t; the live configuration is unchanged" >&2`,
    "  exit 1",
    "fi",
    ...(options.validateOnly ? [`rm -f "$state/manifest.next"`, "exit 0"] : []),
    `for p in $files; do mkdir -p "$(dirname "$live/$p")"; mv -f "$work/$p" "$live/$p"; done`,
    `for p in $stale; do rm -f "$live/$p"; done`,
    `for p in $outside; do mv -f "$owork/$p" "/$p"; done`,
    `if command -v restorecon >/dev/null 2>&1; then for p in $files; do restorecon "$live/$p"; done; for p in $outside; do restorecon "/$p"; done; fi`,
    `mv -f "$state/manifest.next" "$state/manifest"`,
    `pid=$(cat ${shellQuote(pidFile)} 2>/dev/null || true)`,
    // A stale PID file may name an unrelated process by now: signal only an httpd.
    `if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = ${shellQuote(httpd.split("/").pop() as string)} ]; then kill -USR1 "$pid"; fi`,
  ]);
}

export interface ClusterFileSpec {
  readonly path: string;
  readonly content: string;
  readonly mode: string;
}

/**
 * One node's part of the cluster: its files, the shared secret read from
 * standard input (base64), then the renderer's per-node commands. A corosync
 * that already runs re-reads its configuration, so a changed token or address
 * applies without restarting the node.
 */
export function clusterNodeScript(
  files: readonly ClusterFileSpec[],
  commands: readonly ClusterCommand[],
  sharedSecretFromStdin?: string,
): string {
  const lines: string[] = [];
  const corosyncConf = files.find((f) => f.path === "/etc/corosync/corosync.conf");
  const transport = corosyncConf && /^\s*transport:\s*([a-z]+)\s*$/m.exec(corosyncConf.content)?.[1];
  if (transport) {
    // corosync cannot switch transports on a reload (corosync-cfgtool -R fails after the file is already replaced, so
    // disk and the running cluster would disagree): refuse before anything is written, and say how to roll it out.
    lines.push(
      `running=$(corosync-cmapctl -g totem.transport 2>/dev/null | sed -n 's/^totem[.]transport (str) = //p' || true)`,
      `if [ -n "$running" ] && [ "$running" != ${shellQuote(transport)} ]; then`,
      `  echo "httpdHaPair.corosync.transport: corosync runs $running and cannot switch to ${transport} while running; nothing was changed. Stop the cluster on both nodes (pcs cluster stop --all), then deploy again" >&2`,
      "  exit 1",
      "fi",
    );
  }
  lines.push(...files.flatMap((f) => writeFileLines(f.path, f.content, f.mode)));
  if (sharedSecretFromStdin !== undefined) {
    const dest = shellQuote(checked(ABSOLUTE_PATH, sharedSecretFromStdin, "shared secret"));
    const tmp = shellQuote(`${sharedSecretFromStdin}.genesys-tmp`);
    lines.push(
      `mkdir -p "$(dirname ${dest})"`,
      `(umask 077; base64 -d > ${tmp})`,
      `chmod 0400 ${tmp}`,
      `mv -f ${tmp} ${dest}`,
    );
  }
  if (corosyncConf) {
    lines.push("if corosync-cfgtool -s >/dev/null 2>&1; then corosync-cfgtool -R; fi");
  }
  return script([...lines, ...commands.map(commandLine)]);
}

/** How long the one-node step waits for both nodes to be online, seconds. */
export const MEMBERSHIP_WAIT_SECONDS = 300;

/** Where the one-node step builds the desired CIB: root-only, emptied on every run. */
export const CIB_WORK_DIR = "/var/lib/genesys-httpd/cib";

export interface ClusterResourcesOptions {
  /** Resources this stack manages (fencing device and chain), rebuilt in the copy on every run. */
  readonly resources: readonly string[];
  /** Ids of the constraints between them, rebuilt likewise. */
  readonly constraints: readonly string[];
  readonly waitSeconds?: number;
  readonly workDir?: string;
}

/**
 * The cluster configuration, converged on one node without an outage: waits
 * (bounded) until both nodes are online; builds this stack's resources and
 * constraints from scratch in an empty CIB with the renderer's `pcs -f`
 * commands; copies the live CIB and, in the copy, sets the properties,
 * replaces each managed resource by its fresh definition (or adds it), and
 * replaces the constraints between them; then pushes only the difference to
 * the live cluster (`pcs cluster cib-push … diff-against=`). An unchanged
 * rendering changes nothing live; a changed option updates that resource in
 * place (Pacemaker restarts or reloads only what changed). Nothing running is
 * ever deleted and re-created, and an operator's `pcs resource move`/`ban`
 * (location constraints) is kept.
 */
export function clusterResourcesScript(commands: readonly ClusterCommand[], options: ClusterResourcesOptions): string {
  const waitSeconds = options.waitSeconds ?? MEMBERSHIP_WAIT_SECONDS;
  if (!Number.isInteger(waitSeconds) || waitSeconds < 5 || waitSeconds % 5 !== 0)
    throw new Error(`waitSeconds must be a positive multiple of 5, got ${waitSeconds}`);
  const rounds = waitSeconds / 5;
  const idPattern = /^[A-Za-z][A-Za-z0-9_-]*$/;
  const ids = options.resources.map((r) => checked(idPattern, r, "resource id"));
  const constraints = options.constraints.map((c) => checked(idPattern, c, "constraint id"));
  const work = checked(ABSOLUTE_PATH, options.workDir ?? CIB_WORK_DIR, "CIB work directory");
  const [live, desired, scratch] = ["live", "desired", "scratch"].map((f) => shellQuote(`${work}/${f}.xml`));
  const pcsOn = (file: string, command: ClusterCommand) => {
    if (command.argv[0] !== "pcs" || command.appendTo !== undefined)
      throw new Error(`the cluster configuration is built with pcs -f; ${command.argv.join(" ")} is not a pcs command`);
    return `${commandLine({ argv: ["pcs", "-f", "FILE", ...command.argv.slice(1)] }).replace(" -f FILE ", ` -f ${file} `)}`;
  };
  // Cluster properties are set on the copy itself (idempotent); everything else is built in the scratch CIB.
  const isProperty = (c: ClusterCommand) => c.argv[1] === "property";
  const ref = (id: string) => `@rsc='${id}' or @with-rsc='${id}' or @first='${id}' or @then='${id}'`;
  return script([
    "i=0",
    `until crm_mon -1 -s 2>/dev/null | grep -q '2 nodes online'; do`,
    `  i=$((i + 1)); if [ "$i" -ge ${rounds} ]; then echo "the two nodes did not both come online within ${waitSeconds} s" >&2; exit 1; fi`,
    "  sleep 5",
    "done",
    `rm -rf ${shellQuote(work)}`,
    `mkdir -p -m 0700 ${shellQuote(work)}`,
    `cibadmin --empty > ${scratch}`,
    ...commands.filter((c) => !isProperty(c)).map((c) => pcsOn(scratch, c)),
    `pcs cluster cib ${live}`,
    `cp ${live} ${desired}`,
    ...commands.filter(isProperty).map((c) => pcsOn(desired, c)),
    // Constraints between managed resources (this stack's, or ones an earlier rendering named differently) go; location constraints stay.
    `CIB_file=${desired} cibadmin --delete-all --force --xpath ${shellQuote(`//constraints/rsc_colocation[${ids.map(ref).join(" or ")}] | //constraints/rsc_order[${ids.map(ref).join(" or ")}]`)}`,
    `for id in ${ids.join(" ")}; do`,
    `  xml=$(CIB_file=${scratch} cibadmin --query --xpath "//resources/primitive[@id='$id']")`,
    `  if CIB_file=${desired} cibadmin --query --xpath "//resources/primitive[@id='$id']" >/dev/null 2>&1; then`,
    `    CIB_file=${desired} cibadmin --replace --scope resources --xml-text "$xml"`,
    "  else",
    `    CIB_file=${desired} cibadmin --create --scope resources --xml-text "$xml"`,
    "  fi",
    "done",
    `for id in ${constraints.join(" ")}; do`,
    `  CIB_file=${desired} cibadmin --create --scope constraints --xml-text "$(CIB_file=${scratch} cibadmin --query --xpath "//constraints/*[@id='$id']")"`,
    "done",
    `crm_verify --xml-file ${desired}`,
    `pcs cluster cib-push ${desired} diff-against=${live}`,
  ]);
}
