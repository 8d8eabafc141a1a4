/**
 * What keeps a web page out of a loopback server: a page the user visits can make the browser send
 * "simple" requests to 127.0.0.1 (a form POST carries an `Origin`), and a DNS-rebinding page reaches it
 * under its own name (`Host: evil.example:4566`). The range answers only requests addressed to it by a
 * loopback name and its port, and refuses browser origins unless allowed.
 */
import { ServiceError } from '../errors.js';

export interface ExposurePolicy {
  /** The port the range listens on (known once it listens). */
  port: number;
  /** Extra host names the range answers to (besides 127.0.0.1, localhost and [::1]). */
  hostNames: readonly string[];
  /** Browser origins allowed to call the range (`http://localhost:3000`), or `*`. */
  origins: readonly string[];
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
/** A bucket or account prefix: S3 virtual hosts (`bucket.localhost`) and S3 Control (`123456789012.127.0.0.1`). */
const PREFIX = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+$/;

export function hostAllowed(host: string | undefined, policy: ExposurePolicy): boolean {
  if (!host) return false;
  const lower = host.toLowerCase();
  const end = lower.startsWith('[') ? lower.indexOf(']') + 1 : 0;
  const colon = lower.indexOf(':', end);
  const name = colon === -1 ? lower : lower.slice(0, colon);
  const portText = colon === -1 ? '80' : lower.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) return false;
  const port = Number(portText);
  if (port !== policy.port) return false;
  for (const allowed of [...LOOPBACK_NAMES, ...policy.hostNames.map((n) => n.toLowerCase())]) {
    if (name === allowed) return true;
    if (name.endsWith(`.${allowed}`) && PREFIX.test(name.slice(0, name.length - allowed.length))) return true;
  }
  return false;
}

export function originAllowed(origin: string | undefined, policy: ExposurePolicy): boolean {
  if (origin === undefined) return true;
  return policy.origins.includes('*') || policy.origins.includes(origin);
}

function accessDenied(protocol: string, message: string): ServiceError {
  const code =
    protocol === 'json' || protocol === 'smithy-rpc-v2-cbor' ? 'AccessDeniedException' : 'AccessDenied';
  return new ServiceError(code, message, 403);
}

/** The refusal for a request a browser page or a rebinding DNS name sent, or undefined when it may pass. */
export function exposureRefusal(
  headers: Record<string, string>,
  protocol: string,
  policy: ExposurePolicy,
): ServiceError | undefined {
  const host = headers['host'];
  if (!hostAllowed(host, policy)) {
    return accessDenied(
      protocol,
      `The range answers requests addressed to 127.0.0.1:${policy.port}, localhost:${policy.port} or [::1]:${policy.port}, not to Host '${host ?? ''}' (a DNS-rebinding page would use its own name). If you reach the range through another name, start it with --allowed-host NAME.`,
    );
  }
  const origin = headers['origin'];
  if (!originAllowed(origin, policy)) {
    return accessDenied(
      protocol,
      `The range refuses requests from browser pages (Origin '${origin}'): a web page must not drive a local AWS endpoint. To allow one, start the range with --allow-origin ${origin}.`,
    );
  }
  return undefined;
}
