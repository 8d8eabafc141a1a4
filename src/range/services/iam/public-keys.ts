import { X509Certificate, createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { ServiceError } from '../../errors.js';

/**
 * The key material IAM accepts from users: SSH public keys for CodeCommit (ssh-rsa or PEM, at least
 * 2048 bits, IAM API reference, UploadSSHPublicKey) and X.509 signing certificates. Parsed with
 * node:crypto only; a body that does not parse is refused with IAM's own error.
 */

export interface SshPublicKey {
  /** `ssh-rsa <base64>`: the SSH encoding GetSSHPublicKey returns. */
  ssh: string;
  /** The SubjectPublicKeyInfo PEM: the PEM encoding GetSSHPublicKey returns. */
  pem: string;
  /** MD5 of the SSH wire form, as `xx:xx:...`. */
  fingerprint: string;
}

const MIN_SSH_KEY_BITS = 2048;

const invalidKey = () =>
  new ServiceError(
    'InvalidPublicKey',
    'The request was rejected because the public key is malformed or otherwise invalid.',
    400,
  );

const unrecognizedEncoding = () =>
  new ServiceError(
    'UnrecognizedPublicKeyEncoding',
    'The request was rejected because the public key encoding format is unsupported or unrecognized.',
    400,
  );

export function parseSshPublicKey(body: string): SshPublicKey {
  const text = body.trim();
  let key: KeyObject;
  if (text.startsWith('-----BEGIN')) {
    try {
      key = createPublicKey(text);
    } catch {
      throw invalidKey();
    }
    if (key.asymmetricKeyType !== 'rsa') throw unrecognizedEncoding();
  } else {
    const [type, blob] = text.split(/\s+/);
    // CodeCommit takes RSA keys only: ssh-ed25519, ecdsa-sha2-* and anything else is unrecognized.
    if (type !== 'ssh-rsa' || blob === undefined) throw unrecognizedEncoding();
    key = rsaFromWire(Buffer.from(blob, 'base64'));
  }
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw invalidKey();
  const modulus = Buffer.from(jwk.n, 'base64url');
  if (bitLength(modulus) < MIN_SSH_KEY_BITS) throw invalidKey();
  const wire = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    sshMpint(Buffer.from(jwk.e, 'base64url')),
    sshMpint(modulus),
  ]);
  const md5 = createHash('md5').update(wire).digest('hex');
  return {
    ssh: `ssh-rsa ${wire.toString('base64')}`,
    pem: key.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: md5.replace(/(..)(?!$)/g, '$1:'),
  };
}

/** RFC 4253 section 6.6: string "ssh-rsa", mpint e, mpint n, and nothing after. */
function rsaFromWire(wire: Buffer): KeyObject {
  const fields: Buffer[] = [];
  let at = 0;
  while (at < wire.length && fields.length < 4) {
    if (at + 4 > wire.length) throw invalidKey();
    const len = wire.readUInt32BE(at);
    if (at + 4 + len > wire.length) throw invalidKey();
    fields.push(wire.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  const [type, e, n] = fields;
  if (fields.length !== 3 || at !== wire.length || !type || !e || !n || type.toString() !== 'ssh-rsa')
    throw invalidKey();
  try {
    return createPublicKey({
      key: { kty: 'RSA', n: unsigned(n).toString('base64url'), e: unsigned(e).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    throw invalidKey();
  }
}

function unsigned(mpint: Buffer): Buffer {
  let i = 0;
  while (i < mpint.length - 1 && mpint[i] === 0) i++;
  return mpint.subarray(i);
}

function bitLength(n: Buffer): number {
  const v = unsigned(n);
  const top = v[0] ?? 0;
  return top === 0 ? 0 : (v.length - 1) * 8 + (32 - Math.clz32(top));
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function sshMpint(b: Buffer): Buffer {
  const v = unsigned(b);
  return sshString((v[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

export interface SigningCertificateBody {
  /** SHA-256 of the DER, to find the same certificate uploaded twice. */
  fingerprint: string;
}

/**
 * One PEM certificate, in force at `now`. IAM's MalformedCertificate covers "malformed or expired"
 * (API reference, errors of UploadSigningCertificate).
 */
export function parseSigningCertificate(body: string, now: Date): SigningCertificateBody {
  const blocks = body.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1)
    throw malformed('Unable to parse certificate. Please ensure the certificate is in PEM format.');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(blocks[0] as string);
  } catch {
    throw malformed('Unable to parse certificate. Please ensure the certificate is in PEM format.');
  }
  if (new Date(cert.validTo).getTime() < now.getTime()) throw malformed('Certificate has expired.');
  return { fingerprint: cert.fingerprint256 };
}

function malformed(message: string): ServiceError {
  return new ServiceError('MalformedCertificate', message, 400);
}
