/**
 * One S3 bucket for every balancer's access logs: SSE-S3 encryption (the only
 * kind ELB log delivery writes to), no public access, TLS-only access, and a
 * policy that lets the region's Elastic Load Balancing account write logs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AccessLogBucketArgs {
  /**
   * Let `pulumi destroy` delete a bucket that still holds logs; only when the
   * balancers themselves are not deletion-protected. @default false
   */
  readonly forceDestroy?: boolean;
}

export class AccessLogBucket extends pulumi.ComponentResource {
  /** The bucket's name, known once its policy lets Elastic Load Balancing write. */
  readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genesys:alb:AccessLogBucket", name, {}, opts);
    const bucket = new aws.s3.Bucket(
      name,
      { forceDestroy: args.forceDestroy ?? false, tags: { Name: name } },
      { parent: this },
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      { parent: this },
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      name,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    const elbAccount = aws.elb.getServiceAccountOutput({}, { parent: this });
    const account = aws.getCallerIdentityOutput({}, { parent: this });
    const policy = new aws.s3.BucketPolicy(
      name,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "ElbLogDelivery",
              Effect: "Allow",
              Principal: { AWS: elbAccount.arn },
              Action: "s3:PutObject",
              Resource: pulumi.interpolate`${bucket.arn}/*/AWSLogs/${account.accountId}/*`,
            },
            {
              Sid: "TlsOnly",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      { parent: this, dependsOn: [encryption, publicAccess] },
    );
    // Balancers read the name from here, so they are created once log delivery is allowed.
    this.bucketName = pulumi.all([bucket.bucket, policy.id]).apply(([bucketName]) => bucketName);
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
