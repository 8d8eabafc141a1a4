import type { z } from 'zod';
import { accessKey } from './kinds/accessKey.js';
import { ack } from './kinds/ack.js';
import { alarmState } from './kinds/alarmState.js';
import { bucketPublic } from './kinds/bucketPublic.js';
import { cloudtrailEvent } from './kinds/cloudtrailEvent.js';
import { configCompliance } from './kinds/configCompliance.js';
import { exists } from './kinds/exists.js';
import { flowLogs } from './kinds/flowLogs.js';
import { instanceIsolated } from './kinds/instanceIsolated.js';
import { kmsAlias } from './kinds/kmsAlias.js';
import { kmsDecrypts } from './kinds/kmsDecrypts.js';
import { kmsKeyState } from './kinds/kmsKeyState.js';
import { logEvents } from './kinds/logEvents.js';
import { loginProfile } from './kinds/loginProfile.js';
import { naclEntry } from './kinds/naclEntry.js';
import { objectPublic } from './kinds/objectPublic.js';
import { patchCompliance } from './kinds/patchCompliance.js';
import { rootAccessKeys } from './kinds/rootAccessKeys.js';
import { rootMfa } from './kinds/rootMfa.js';
import { sgEgress } from './kinds/sgEgress.js';
import { sgIngress } from './kinds/sgIngress.js';
import { snapshotPublic } from './kinds/snapshotPublic.js';
import { trailExists } from './kinds/trailExists.js';
import { trailLogging } from './kinds/trailLogging.js';
import { trailManagementEvents } from './kinds/trailManagementEvents.js';
import { userAdmin } from './kinds/userAdmin.js';
import { userDenied } from './kinds/userDenied.js';
import { volumeSnapshot } from './kinds/volumeSnapshot.js';
import type { SignalKind } from './types.js';

/** Every signal kind, in the order docs list them. Adding a kind means adding its file and a line here. */
export const signalKinds = [
  ack,
  sgIngress,
  sgEgress,
  naclEntry,
  flowLogs,
  trailLogging,
  trailExists,
  trailManagementEvents,
  bucketPublic,
  objectPublic,
  snapshotPublic,
  accessKey,
  userAdmin,
  userDenied,
  loginProfile,
  rootAccessKeys,
  rootMfa,
  kmsKeyState,
  kmsDecrypts,
  kmsAlias,
  patchCompliance,
  instanceIsolated,
  volumeSnapshot,
  alarmState,
  configCompliance,
  exists,
  cloudtrailEvent,
  logEvents,
] as const;

type AnyKind = (typeof signalKinds)[number];
export type SignalKindName = AnyKind['name'];

/** A condition in a scenario: a single-key object `{ <kindName>: params }`. */
export type Condition = {
  [K in AnyKind as K['name']]: { [N in K['name']]: z.output<K['params']> };
}[SignalKindName];

export const signalKindNames: readonly SignalKindName[] = signalKinds.map((k) => k.name);

export function findSignalKind(name: string): SignalKind | undefined {
  return signalKinds.find((k) => k.name === name) as SignalKind | undefined;
}

/** The kind name and parameters of a condition. */
export function conditionParts(condition: Condition): { kind: SignalKind; params: unknown } {
  const [name, params] = Object.entries(condition)[0]!;
  const kind = findSignalKind(name);
  if (!kind) throw new Error(`unknown signal kind ${name} in a validated condition`);
  return { kind, params };
}

/** The human sentence for a condition, from its kind's `describe`. */
export function describeCondition(condition: Condition): string {
  const { kind, params } = conditionParts(condition);
  return kind.describe(params);
}
