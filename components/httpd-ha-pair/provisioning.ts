/**
 * Provisioning of the pair over SSH, one remote command per step and host:
 *
 *   install -> stage <file> (one per rendered file, and the TLS certificate
 *           and key with client TLS) -> validate (httpd -t of the staged site)
 *           -> config (validate, swap, reload; after BOTH hosts validated)
 *           -> member (corosync / cman on this node) -> cluster (once, first host)
 *
 * Each step's `triggers` hold the hashes of exactly what it writes, so a
 * changed tenant re-stages only that tenant's file and re-runs `config`;
 * membership and cluster resources, which do not depend on the httpd files,
 * are left alone. Only triggers re-run a step: any other change (a rotated
 * SSH key or a new bastion address in `connection`) runs the no-op `update`
 * instead. Connections jump through the bastion (`proxy`) unless the stack
 * chose `via: direct`.
 */
import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { Environment, HttpdHaPair } from "../../core/model/environment";
import { SECRET_CONFIG_KEYS } from "../../core/model/schema";
import { missingSecretMessage } from "../../core/model/secrets";
import { clusterSetup, type ClusterSetup } from "../../core/render/cluster/cluster-setup";
import { COROSYNC_AUTHKEY_PATH, needsAuthkey } from "../../core/render/cluster/corosync-conf";
import { RHEL_HTTPD_CONFIG } from "../../core/render/cluster/pair-hosts";
import { constraintIds, managedResources } from "../../core/render/cluster/pcs-commands";
import {
  addressSubstitutions,
  applyConfigScript,
  asRoot,
  clusterNodeScript,
  clusterResourcesScript,
  installScript,
  pathUnderRoot,
  sha256Hex,
  stageOutsideFileScript,
  stageTemplateScript,
} from "./host-scripts";
import {
  memberAddressPlaceholders,
  PID_FILE,
  renderPairSite,
  renderPairSiteTemplate,
  SERVER_ROOT,
  siteFilePaths,
  TLS_CERTIFICATE_FILE,
  TLS_KEY_FILE,
} from "./site-files";

export interface PairHost {
  /** Cluster node name. */
  readonly key: string;
  readonly instance: aws.ec2.Instance;
}

export interface PairProvisioningArgs {
  readonly environment: Environment;
  readonly hosts: readonly PairHost[];
  /** Recording node key -> private IPv4. */
  readonly backendAddresses: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Route tables aws-vpc-move-ip updates (empty for the other agents). */
  readonly routeTableIds: pulumi.Input<string[]>;
  readonly sshPrivateKey: pulumi.Input<string>;
  /** What the VIP agent needs before the cluster starts it (IAM policy, routes, address reservation). */
  readonly vipResources: readonly pulumi.Resource[];
  /** The SSH bastion every connection jumps through; absent: the hosts' private addresses are dialled directly (`via: direct`). */
  readonly proxy?: pulumi.Input<command.types.input.remote.ProxyConnectionArgs>;
  /** What must exist before the hosts can be reached (the bastion and its rules). */
  readonly reachableAfter?: readonly pulumi.Resource[];
  /** The secret genesys:httpdHaPairCorosyncAuthkey (base64), which the knet transport needs. */
  readonly corosyncAuthkey?: pulumi.Output<string>;
  /** PEM certificate chain and private key httpd serves the clients https with; absent: plain HTTP only. */
  readonly clientTls?: { readonly certificate: pulumi.Output<string>; readonly privateKey: pulumi.Output<string> };
}

/** PEM text under `label` (a regex source), ending in a line break so httpd can read it as a chain. */
export function checkPem(text: string, label: string, configKey: string): string {
  const pem = new RegExp(`^-----BEGIN (${label})-----\\r?\\n[\\s\\S]*\\n-----END \\1-----$`);
  if (!pem.test(text.trim()))
    throw new Error(
      `genesys:${configKey} must be PEM text (-----BEGIN ${label}----- ... -----END ...-----); the value set is not`,
    );
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** What a step runs when an input other than its triggers changed. */
export const NO_OP = "true";

/** corosync accepts keys of 128 to 4096 bytes (corosync-keygen's limits). */
export function decodeAuthkey(text: string): string {
  const compact = text.replace(/\s+/g, "");
  const size = /^[A-Za-z0-9+/]+={0,2}$/.test(compact) ? Buffer.from(compact, "base64").length : 0;
  if (size < 128 || size > 4096) {
    throw new Error(
      `genesys:${SECRET_CONFIG_KEYS.httpdHaPairCorosyncAuthkey} must be a base64 corosync key of 128 to 4096 bytes (\`corosync-keygen -k key && base64 -w0 key\`); got ${size} bytes`,
    );
  }
  return compact;
}

/** A resource-name-safe key for a staged file: `conf.d/loadbalancer_t1.conf` -> `conf.d-loadbalancer_t1.conf`. */
export function fileKey(relativePath: string): string {
  return relativePath.replace(/\//g, "-");
}

function checkSharedSecrets(setup: ClusterSetup, pair: HttpdHaPair): ClusterSetup {
  const expected = needsAuthkey(pair) ? [COROSYNC_AUTHKEY_PATH] : [];
  if (setup.sharedSecrets.length !== expected.length || setup.sharedSecrets.some((p, i) => p !== expected[i])) {
    throw new Error(
      `the cluster needs shared secrets ${JSON.stringify(setup.sharedSecrets)}; provisioning supplies ${JSON.stringify(expected)}`,
    );
  }
  return setup;
}

export class PairProvisioning extends pulumi.ComponentResource {
  /** Id of the cluster step: resolves once the whole pair is provisioned. */
  readonly clusterReady: pulumi.Output<string>;

  constructor(name: string, args: PairProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:httpd:PairProvisioning", name, {}, opts);
    const env = args.environment;
    const pair = env.httpdHaPair;
    if (!pair) throw new Error("PairProvisioning needs an environment with an httpdHaPair section");
    const agent = pair.virtualIp.agent;

    const tls = args.clientTls;
    const site = pulumi.output(args.backendAddresses).apply((ips) => renderPairSite(env, ips, tls !== undefined));
    const relativePaths = siteFilePaths(env, tls !== undefined).map((p) => pathUnderRoot(SERVER_ROOT, p));
    const contentOf = (relativePath: string) =>
      site.apply((files) => files.find((f) => pathUnderRoot(SERVER_ROOT, f.path) === relativePath)?.content as string);
    // Each step's script carries its file with placeholder member addresses (known at preview, so
    // policies read it before anything exists); the addresses arrive on standard input.
    const template = renderPairSiteTemplate(env, tls !== undefined);
    const templateOf = (relativePath: string) =>
      template.find((f) => pathUnderRoot(SERVER_ROOT, f.path) === relativePath)?.content as string;
    const placeholders = memberAddressPlaceholders(env);
    const substitutions = pulumi.output(args.backendAddresses).apply((ips) =>
      addressSubstitutions(
        Object.fromEntries(
          Object.entries(placeholders)
            .filter(([key]) => Object.hasOwn(ips, key))
            .map(([key, placeholder]) => [placeholder, ips[key]]),
        ),
      ),
    );
    const staged = site.apply((files) =>
      files.map((f) => ({ path: pathUnderRoot(SERVER_ROOT, f.path), sha256: sha256Hex(f.content) })),
    );
    // The key and certificate travel on standard input; only their hashes reach a script, and those stay secret too.
    const outside = tls
      ? [
          {
            key: "tls-certificate",
            path: TLS_CERTIFICATE_FILE,
            mode: "0644",
            content: tls.certificate.apply((t) => checkPem(t, "CERTIFICATE", SECRET_CONFIG_KEYS.httpdTlsCertificate)),
          },
          {
            key: "tls-key",
            path: TLS_KEY_FILE,
            mode: "0600",
            content: tls.privateKey.apply((t) =>
              checkPem(t, "(?:RSA |EC )?PRIVATE KEY", SECRET_CONFIG_KEYS.httpdTlsPrivateKey),
            ),
          },
        ]
      : [];
    const outsideStaged = pulumi.all(
      outside.map((f) => f.content.apply((c) => ({ path: f.path, sha256: sha256Hex(c) }))),
    );
    const configScript = (validateOnly: boolean) =>
      pulumi.all([staged, outsideStaged]).apply(([files, outsideFiles]) =>
        asRoot(
          applyConfigScript({
            serverRoot: SERVER_ROOT,
            mainConfig: pathUnderRoot(SERVER_ROOT, RHEL_HTTPD_CONFIG),
            files,
            outsideFiles,
            pidFile: PID_FILE,
            validateOnly,
          }),
        ),
      );
    const validateScript = configScript(true);
    const applyScript = configScript(false);
    const configTrigger = pulumi.all([staged, outsideStaged]).apply((sets) => sha256Hex(JSON.stringify(sets)));

    const addresses = pulumi.all(Object.fromEntries(args.hosts.map((h) => [h.key, h.instance.privateIp])));
    const instanceIds = pulumi.all(Object.fromEntries(args.hosts.map((h) => [h.key, h.instance.id])));
    const setup = pulumi.all([addresses, args.routeTableIds, instanceIds]).apply(([ips, routeTableIds, ids]) =>
      checkSharedSecrets(
        clusterSetup(pair, {
          addresses: ips,
          routeTableIds: agent === "aws-vpc-move-ip" ? routeTableIds : undefined,
          httpdConfigFile: RHEL_HTTPD_CONFIG,
          instanceIds: ids,
          region: env.region,
        }),
        pair,
      ),
    );
    const authkey = needsAuthkey(pair) ? requiredAuthkey(args.corosyncAuthkey).apply(decodeAuthkey) : undefined;
    const memberScript = setup.apply((s) =>
      asRoot(clusterNodeScript(s.files, s.eachNode, authkey ? COROSYNC_AUTHKEY_PATH : undefined)),
    );
    const install = asRoot(
      installScript(pair, env.region, {
        backend:
          env.recording?.balancer === "httpdHaPair" &&
          env.recording.tenants.some((t) => t.services.some((s) => s.scheme === "https")),
        client: tls !== undefined,
      }),
    );

    const connectionTo = (host: PairHost): command.types.input.remote.ConnectionArgs => ({
      host: host.instance.privateIp,
      user: pair.sshUser,
      privateKey: args.sshPrivateKey,
      ...(args.proxy ? { proxy: args.proxy } : {}),
    });
    const reachable = [...(args.reachableAfter ?? [])];
    const members: command.remote.Command[] = [];
    const stepOf = (host: PairHost) => {
      const connection = connectionTo(host);
      return (
        stepName: string,
        create: pulumi.Input<string>,
        triggers: pulumi.Input<unknown>[],
        dependsOn: pulumi.Resource[],
        stdin?: pulumi.Input<string>,
      ) =>
        new command.remote.Command(
          `${name}-${host.key}-${stepName}`,
          { connection, create, update: NO_OP, stdin, triggers: [host.instance.id, ...triggers] },
          { parent: this, dependsOn },
        );
    };
    // Every host validates the staged site before any host swaps it in: a config that fails on one host goes live on neither.
    const validated = args.hosts.map((host) => {
      const step = stepOf(host);

      const installed = step("install", install, [sha256Hex(install)], reachable);
      const stagedFiles = relativePaths.map((relativePath) => {
        const content = contentOf(relativePath);
        return step(
          `stage-${fileKey(relativePath)}`,
          asRoot(stageTemplateScript(relativePath, templateOf(relativePath))),
          [content.apply(sha256Hex)],
          [installed],
          substitutions,
        );
      });
      const stagedOutside = outside.map((f) =>
        step(
          `stage-${f.key}`,
          asRoot(stageOutsideFileScript(f.path, f.mode)),
          [pulumi.secret(f.content.apply(sha256Hex))],
          [installed],
          pulumi.secret(f.content.apply((c) => Buffer.from(c, "utf8").toString("base64"))),
        ),
      );
      return step("validate", validateScript, [configTrigger], [...stagedFiles, ...stagedOutside]);
    });
    for (const host of args.hosts) {
      const step = stepOf(host);
      const configured = step("config", applyScript, [configTrigger], validated);
      members.push(
        step(
          "member",
          memberScript,
          [memberScript.apply(sha256Hex), ...(authkey ? [pulumi.secret(authkey.apply(sha256Hex))] : [])],
          [configured],
          authkey,
        ),
      );
    }

    const first = args.hosts[0];
    const clusterScript = setup.apply((s) =>
      asRoot(
        clusterResourcesScript(s.oneNode, { resources: managedResources(pair), constraints: constraintIds(pair) }),
      ),
    );
    const cluster = new command.remote.Command(
      `${name}-cluster`,
      {
        connection: connectionTo(first),
        create: clusterScript,
        update: NO_OP,
        triggers: [...args.hosts.map((h) => h.instance.id), clusterScript.apply(sha256Hex)],
      },
      { parent: this, dependsOn: [...members, ...args.vipResources] },
    );
    this.clusterReady = cluster.id;
    this.registerOutputs({ clusterReady: this.clusterReady });
  }
}

function requiredAuthkey(authkey: pulumi.Output<string> | undefined): pulumi.Output<string> {
  if (authkey === undefined)
    throw new pulumi.RunError(
      missingSecretMessage("httpdHaPairCorosyncAuthkey", "the knet transport, which encrypts cluster traffic,"),
    );
  return authkey;
}
