/**
 * EC2's CloudTrail requestParameters are not the API's shape: lists of ids are logged as sets of
 * objects (`instancesSet.items[].instanceId`), tags as `tagSet`, filters as `filterSet`. Detection
 * rules are written against those names, so the range logs the calls that matter for them the same way.
 */
type Params = Record<string, unknown>;

function itemsOf(value: unknown): unknown[] {
  const items = (value as { items?: unknown[] } | undefined)?.items;
  return Array.isArray(items) ? items : [];
}

/** Rename `from` (a list of scalars) to `to`, each scalar wrapped as `{ [key]: value }`. */
function asSet(p: Params, from: string, to: string, key: string): void {
  if (!(from in p)) return;
  p[to] = { items: itemsOf(p[from]).map((v) => ({ [key]: v })) };
  delete p[from];
}

function rename(p: Params, from: string, to: string): void {
  if (!(from in p)) return;
  p[to] = p[from];
  delete p[from];
}

const instanceSets = new Set([
  'StartInstances',
  'StopInstances',
  'TerminateInstances',
  'DescribeInstances',
  'DescribeInstanceStatus',
]);

/**
 * EC2's newer operations (their members have no query `locationName`) are logged under
 * `<Operation>Request` with the API's own member names: `{"ModifyInstanceMetadataOptionsRequest":
 * {"HttpTokens": "required", "InstanceId": "i-..."}}`, which is what detections written for them read.
 */
const requestWrapped = new Set([
  'AssociateIamInstanceProfile',
  'ReplaceIamInstanceProfileAssociation',
  'DisassociateIamInstanceProfile',
  'DescribeIamInstanceProfileAssociations',
  'ModifyInstanceMetadataOptions',
]);

function apiNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(apiNames);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Params);
  // A list converted for the EC2 protocol: `{ items: [...] }` is logged as the list itself here.
  if (entries.length === 1 && entries[0]?.[0] === 'items') return apiNames(entries[0][1]);
  return Object.fromEntries(entries.map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), apiNames(v)]));
}

export function ec2TrailParameters(operation: string, converted: Params): Params {
  if (requestWrapped.has(operation)) return { [`${operation}Request`]: apiNames(converted) };
  const p: Params = { ...converted };
  if ('tagSpecification' in p) {
    p.tagSpecificationSet = {
      items: itemsOf(p.tagSpecification).map((spec) => {
        const { tag, ...rest } = spec as Params;
        return { ...rest, tags: itemsOf(tag) };
      }),
    };
    delete p.tagSpecification;
  }
  if ('filter' in p) {
    p.filterSet = {
      items: itemsOf(p.filter).map((f) => {
        const { value, ...rest } = f as Params;
        return { ...rest, valueSet: { items: itemsOf(value).map((v) => ({ value: v })) } };
      }),
    };
    delete p.filter;
  }
  if (instanceSets.has(operation)) asSet(p, 'instanceId', 'instancesSet', 'instanceId');
  switch (operation) {
    case 'CreateTags':
    case 'DeleteTags':
      asSet(p, 'resourceId', 'resourcesSet', 'resourceId');
      if ('tag' in p) rename(p, 'tag', 'tagSet');
      break;
    case 'ModifyInstanceAttribute':
      asSet(p, 'groupId', 'groupSet', 'groupId');
      break;
    case 'ModifyNetworkInterfaceAttribute':
      asSet(p, 'securityGroupId', 'groupSet', 'groupId');
      break;
    case 'DescribeSecurityGroups':
      asSet(p, 'groupId', 'securityGroupIdSet', 'groupId');
      asSet(p, 'groupName', 'securityGroupSet', 'groupName');
      break;
    case 'RunInstances': {
      const { imageId, minCount, maxCount, keyName, ...rest } = p;
      const launch = Object.fromEntries(
        Object.entries({ imageId, minCount, maxCount, keyName }).filter(([, v]) => v !== undefined),
      );
      const out: Params = { instancesSet: { items: [launch] }, ...rest };
      asSet(out, 'securityGroupId', 'groupSet', 'groupId');
      if ('userData' in out) out.userData = '<sensitiveDataRemoved>';
      return out;
    }
    case 'ModifySnapshotAttribute': {
      // The flat form (OperationType, UserIds, GroupNames) is logged like CreateVolumePermission.
      const { attribute, operationType, userGroup, userId, ...rest } = p;
      const items = [
        ...itemsOf(userGroup).map((group) => ({ group })),
        ...itemsOf(userId).map((v) => ({ userId: v })),
      ];
      const out: Params = { ...rest };
      if (items.length && (operationType === 'add' || operationType === 'remove')) {
        out.createVolumePermission = { [operationType]: { items } };
      }
      if (attribute === undefined || attribute === 'createVolumePermission')
        out.attributeType = 'CREATE_VOLUME_PERMISSION';
      return out;
    }
  }
  return p;
}
