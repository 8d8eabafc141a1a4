/**
 * Key pair material as EC2 hands it out and reads it in: SSH wire-format public keys, the OpenSSH
 * `authorized_keys` line, the private key formats CreateKeyPair answers with, and the fingerprints
 * each call reports (CreateKeyPair: SHA-1 of the DER private key for RSA; ImportKeyPair: the RFC 4716
 * MD5 for RSA; both: base64 SHA-256 for ED25519, as the EC2 API reference describes KeyFingerprint).
 */
import { createHash, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

export type KeyType = 'rsa' | 'ed25519';

export interface PublicKeyInfo {
  keyType: KeyType;
  /** The SSH wire-format public key blob. */
  blob: Buffer;
  /** What followed the key on an imported line. */
  comment?: string;
}

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** An SSH mpint: big-endian, with a leading zero byte when the top bit is set. */
function sshMpint(unsigned: Buffer): Buffer {
  let n = unsigned;
  while (n.length > 1 && n[0] === 0) n = n.subarray(1);
  return sshString((n[0] as number) & 0x80 ? Buffer.concat([Buffer.alloc(1), n]) : n);
}

const b64url = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');

function colonHex(digest: Buffer): string {
  return digest.toString('hex').match(/../g)!.join(':');
}

function sha256Fingerprint(blob: Buffer): string {
  return createHash('sha256').update(blob).digest('base64');
}

export function authorizedKeysLine(key: PublicKeyInfo, comment: string): string {
  const type = key.keyType === 'rsa' ? 'ssh-rsa' : 'ssh-ed25519';
  return `${type} ${key.blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

/** The OpenSSH private key format (openssh-key-v1, unencrypted), which ssh reads for ED25519 keys. */
function openSshPrivateKey(pub: Buffer, seed: Buffer, comment: string): string {
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    count,
    sshString(Buffer.concat([sshString('ssh-ed25519'), sshString(pub)])),
    sshString(secret),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join(
    '\n',
  );
}

function rsaBlob(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.concat([sshString('ssh-rsa'), sshMpint(b64url(jwk.e)), sshMpint(b64url(jwk.n))]);
}

export interface CreatedKey {
  key: PublicKeyInfo;
  fingerprint: string;
  /** The private key, handed to the caller once and never kept. */
  material: string;
}

/** A new 2048-bit RSA or ED25519 key pair (generated off the event loop). */
export async function createKey(keyType: KeyType, name: string): Promise<CreatedKey> {
  if (keyType === 'rsa') {
    const { publicKey, privateKey } = await generate('rsa', { modulusLength: 2048 });
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    return {
      key: { keyType, blob: rsaBlob(publicKey) },
      fingerprint: colonHex(createHash('sha1').update(der).digest()),
      material: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    };
  }
  const { publicKey, privateKey } = await generate('ed25519');
  const pub = b64url(publicKey.export({ format: 'jwk' }).x);
  const seed = b64url(privateKey.export({ format: 'jwk' }).d);
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  return {
    key: { keyType, blob },
    fingerprint: sha256Fingerprint(blob),
    material: openSshPrivateKey(pub, seed, name),
  };
}

/** Read one length-prefixed field of an SSH blob. */
function readString(blob: Buffer, at: number): { value: Buffer; next: number } | undefined {
  if (at + 4 > blob.length) return undefined;
  const len = blob.readUInt32BE(at);
  if (at + 4 + len > blob.length) return undefined;
  return { value: blob.subarray(at + 4, at + 4 + len), next: at + 4 + len };
}

/**
 * An imported public key in OpenSSH format (`ssh-rsa AAAA... comment`); undefined when it is not one
 * EC2 accepts (RSA of 1024 to 4096 bits, or ED25519).
 */
export function parsePublicKey(material: Buffer): PublicKeyInfo | undefined {
  const m = /^\s*(ssh-rsa|ssh-ed25519)\s+([A-Za-z0-9+/]+={0,2})(\s.*)?$/s.exec(material.toString('utf8'));
  if (!m) return undefined;
  const blob = Buffer.from(m[2] as string, 'base64');
  const comment = (m[3] ?? '').trim().split(/\r?\n/)[0] ?? '';
  const type = readString(blob, 0);
  if (!type || type.value.toString() !== m[1]) return undefined;
  if (m[1] === 'ssh-ed25519') {
    const pub = readString(blob, type.next);
    return pub && pub.value.length === 32 && pub.next === blob.length
      ? { keyType: 'ed25519', blob }
      : undefined;
  }
  const e = readString(blob, type.next);
  const n = e && readString(blob, e.next);
  if (!n || n.next !== blob.length) return undefined;
  const bits = (n.value[0] === 0 ? n.value.length - 1 : n.value.length) * 8;
  return bits >= 1024 && bits <= 4096 ? { keyType: 'rsa', blob, comment } : undefined;
}

export function importedFingerprint(key: PublicKeyInfo): string {
  return key.keyType === 'rsa'
    ? colonHex(createHash('md5').update(key.blob).digest())
    : sha256Fingerprint(key.blob);
}
