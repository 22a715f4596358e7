/**
 * The Configuration Database (Framework Deployment Guide: the master
 * Configuration Server runs at the site of the one Configuration Database).
 * Either an existing database, to which the master Configuration Server's
 * security group gets egress on exactly its address and port, or an RDS
 * instance the stack creates in the master site's private subnets:
 * encrypted, Multi-AZ in production, its master password a secret, and its
 * security group admitting the master Configuration Server only.
 *
 * The component's resources take the master site's provider (its region).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_ENGINE_PORTS, type FrameworkConfig } from "../../core/model/schema";
import { missingSecretMessage } from "../../core/model/secrets";
import type { FrameworkSite } from "./framework-site";
import { allowTcp } from "../shared/tcp-rule";

export interface ConfigurationDatabaseArgs {
  /** The validated `framework.configurationDatabase` section. */
  readonly database: NonNullable<FrameworkConfig["configurationDatabase"]>;
  /** The master site: its VPC and private subnets hold a created database. */
  readonly site: FrameworkSite;
  /** Security group of the master Configuration Servers: the only clients. */
  readonly configServerGroupId: pulumi.Input<string>;
  readonly isProduction: boolean;
  /** Deletion protection and a final snapshot on delete (the stack's hardening.deletionProtection). */
  readonly deletionProtection: boolean;
  /** Master user password of a database the stack creates (the secret genesys:configurationDatabasePassword). */
  readonly masterPassword?: pulumi.Input<string>;
}

/** RDS licence model per engine: SQL Server and Oracle SE2 are licence-included, Oracle EE brings its own. */
const LICENSE_MODELS: Partial<Record<string, string>> = {
  "sqlserver-se": "license-included",
  "sqlserver-ee": "license-included",
  "oracle-se2": "license-included",
  "oracle-ee": "bring-your-own-license",
};

export class ConfigurationDatabase extends pulumi.ComponentResource {
  /** `existing` or `created`. */
  readonly origin: "existing" | "created";
  readonly engine: string;
  readonly address: pulumi.Output<string>;
  readonly port: number;

  constructor(name: string, args: ConfigurationDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:framework:ConfigurationDatabase", name, {}, opts);
    const child = { parent: this };
    const { database, site } = args;
    if (database.existing) {
      const existing = database.existing;
      this.origin = "existing";
      this.engine = existing.engine;
      this.port = existing.port ?? DATABASE_ENGINE_PORTS[existing.engine];
      this.address = pulumi.output(existing.address);
      allowTcp(
        `${name}-cs-to-database`,
        {
          direction: "egress",
          securityGroupId: args.configServerGroupId,
          port: this.port,
          peer: { cidr: `${existing.address}/32` },
          description: `master Configuration Server to the Configuration Database (${existing.engine})`,
        },
        child,
      );
    } else {
      const create = database.create as NonNullable<typeof database.create>;
      this.origin = "created";
      this.engine = create.engine;
      this.port = DATABASE_ENGINE_PORTS[create.engine];
      const group = new aws.ec2.SecurityGroup(
        name,
        {
          vpcId: site.vpcId,
          description: `Configuration Database of Framework site ${site.site.key}`,
          tags: { Name: name },
        },
        child,
      );
      allowTcp(
        `${name}-from-cs`,
        {
          direction: "ingress",
          securityGroupId: group.id,
          port: this.port,
          peer: { securityGroupId: args.configServerGroupId },
          description: "master Configuration Server to the Configuration Database",
        },
        child,
      );
      allowTcp(
        `${name}-cs-to-database`,
        {
          direction: "egress",
          securityGroupId: args.configServerGroupId,
          port: this.port,
          peer: { securityGroupId: group.id },
          description: "master Configuration Server to the Configuration Database",
        },
        child,
      );
      const subnets = new aws.rds.SubnetGroup(
        name,
        {
          name,
          subnetIds: Object.values(site.privateSubnetIds),
          description: `Configuration Database of Framework site ${site.site.key}`,
          tags: { Name: name },
        },
        child,
      );
      const multiAz = create.multiAz ?? args.isProduction;
      const licenseModel = LICENSE_MODELS[create.engine];
      const instance = new aws.rds.Instance(
        name,
        {
          identifier: name,
          engine: create.engine,
          ...(create.engineVersion !== undefined ? { engineVersion: create.engineVersion } : {}),
          ...(licenseModel !== undefined ? { licenseModel } : {}),
          instanceClass: create.instanceClass,
          allocatedStorage: create.allocatedStorageGiB,
          storageType: "gp3",
          storageEncrypted: true,
          multiAz,
          port: this.port,
          username: create.username,
          password: requiredPassword(args.masterPassword),
          dbSubnetGroupName: subnets.name,
          vpcSecurityGroupIds: [group.id],
          publiclyAccessible: false,
          deletionProtection: args.deletionProtection,
          skipFinalSnapshot: !args.deletionProtection,
          ...(args.deletionProtection ? { finalSnapshotIdentifier: `${name}-final` } : {}),
          backupRetentionPeriod: 7,
          copyTagsToSnapshot: true,
          tags: {
            Name: name,
            "genesys:framework-site": site.site.key,
            "genesys:framework-role": "configurationDatabase",
          },
        },
        child,
      );
      this.address = instance.address;
    }
    this.registerOutputs({ origin: this.origin, engine: this.engine, address: this.address, port: this.port });
  }
}

function requiredPassword(password: pulumi.Input<string> | undefined): pulumi.Input<string> {
  if (password === undefined)
    throw new pulumi.RunError(
      missingSecretMessage("configurationDatabasePassword", "the Configuration Database the stack creates"),
    );
  return password;
}
