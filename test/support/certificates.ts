/**
 * Test certificates made with the openssl binary: a CA, server certificates
 * it signs for given DNS names, and self-signed ones. Files go under `dir`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary, run } from "./real-servers";

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function openssl(args: readonly string[]): void {
  run(requireBinary("openssl", "openssl"), args);
}

/** A self-signed certificate (its own CA) for `dnsName`. */
export function selfSigned(dir: string, file: string, dnsName: string, subject = `/CN=${dnsName}`): KeyPair {
  const pair = { cert: join(dir, `${file}.crt`), key: join(dir, `${file}.key`) };
  openssl([
    "req",
    "-x509",
    ...EC,
    "-days",
    "1",
    "-subj",
    subject,
    "-addext",
    `subjectAltName=DNS:${dnsName}`,
    "-keyout",
    pair.key,
    "-out",
    pair.cert,
  ]);
  return pair;
}

/** A CA certificate that may sign server certificates. */
export function certificateAuthority(dir: string, file: string): KeyPair {
  const pair = { cert: join(dir, `${file}.crt`), key: join(dir, `${file}.key`) };
  openssl([
    "req",
    "-x509",
    ...EC,
    "-days",
    "1",
    "-subj",
    `/O=Genesys test/CN=${file}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout",
    pair.key,
    "-out",
    pair.cert,
  ]);
  return pair;
}

/** A server certificate for `dnsName` (subjectAltName and CN) signed by `ca`. */
export function issued(dir: string, file: string, ca: KeyPair, dnsName: string): KeyPair {
  const pair = { cert: join(dir, `${file}.crt`), key: join(dir, `${file}.key`) };
  const csr = join(dir, `${file}.csr`);
  const ext = join(dir, `${file}.ext`);
  openssl(["req", "-new", ...EC, "-subj", `/CN=${dnsName}`, "-keyout", pair.key, "-out", csr]);
  writeFileSync(ext, `subjectAltName=DNS:${dnsName}\nextendedKeyUsage=serverAuth\n`);
  openssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    ca.cert,
    "-CAkey",
    ca.key,
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    ext,
    "-out",
    pair.cert,
  ]);
  return pair;
}
