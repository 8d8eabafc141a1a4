import type { Ec2Instance } from './instances.js';
import type { StoredPatch, StoredPatchState } from './store.js';

/**
 * How the range models an instance's patches. An instance starts with the patch state its tags give
 * (`sirs:range:missing-patches=<n>`, `sirs:range:missing-critical=<n>`, default 0: compliant), as if
 * the baseline scan at launch had found that; AWS-RunPatchBaseline Install then installs them.
 */
export const MISSING_TAG = 'sirs:range:missing-patches';
export const CRITICAL_TAG = 'sirs:range:missing-critical';

/** The ids of the default patch baselines the range's instances use (Amazon Linux 2023 and Windows). */
export const DEFAULT_BASELINES = { Linux: 'pb-0da0c9a87d2b3f8b1', Windows: 'pb-0a3f5c7e6b2d18a49' };

/** Security advisories a missing patch is drawn from: package, fixed version, CVE, severity. */
const LINUX_ADVISORIES: Array<[string, string, string, string]> = [
  ['kernel', '6.1.94-99.176.amzn2023', 'CVE-2024-1086', 'Important'],
  ['openssh-server', '8.7p1-8.amzn2023.0.11', 'CVE-2024-6387', 'Important'],
  ['openssl-libs', '3.0.8-1.amzn2023.0.14', 'CVE-2024-5535', 'Important'],
  ['glibc', '2.34-52.amzn2023.0.11', 'CVE-2024-2961', 'Important'],
  ['sudo', '1.9.15-1.p5.amzn2023.0.1', 'CVE-2023-42465', 'Medium'],
  ['curl', '8.5.0-1.amzn2023.0.4', 'CVE-2024-2398', 'Medium'],
  ['libxml2', '2.10.4-1.amzn2023.0.6', 'CVE-2024-25062', 'Medium'],
  ['expat', '2.5.0-1.amzn2023.0.4', 'CVE-2024-45490', 'Important'],
  ['python3', '3.9.16-1.amzn2023.0.9', 'CVE-2024-6232', 'Important'],
  ['systemd', '252.23-2.amzn2023', 'CVE-2023-7008', 'Medium'],
  ['bind-libs', '9.16.48-1.amzn2023.0.2', 'CVE-2024-1737', 'Important'],
  ['vim-minimal', '9.0.2153-1.amzn2023.0.1', 'CVE-2024-22667', 'Medium'],
  ['krb5-libs', '1.21-3.amzn2023.0.4', 'CVE-2024-37371', 'Important'],
  ['less', '608-2.amzn2023.0.2', 'CVE-2024-32487', 'Important'],
  ['git', '2.40.1-1.amzn2023.0.3', 'CVE-2024-32002', 'Important'],
];

function tagCount(tags: Record<string, string>, key: string): number {
  const n = Number.parseInt(tags[key] ?? '0', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 500) : 0;
}

function missingPatch(platform: 'Linux' | 'Windows', index: number, critical: boolean): StoredPatch {
  if (platform === 'Windows') {
    const kb = `KB50${(34441 + index * 7).toString()}`;
    return {
      title: `2024-${String((index % 12) + 1).padStart(2, '0')} Cumulative Update for Microsoft server operating system (${kb})`,
      kbId: kb,
      classification: 'SecurityUpdates',
      severity: critical ? 'Critical' : 'Important',
      cveIds: '',
    };
  }
  const [pkg, version, cve, severity] = LINUX_ADVISORIES[index % LINUX_ADVISORIES.length] ?? [
    'kernel',
    '0',
    '',
    'Medium',
  ];
  // Beyond the list, later releases of the same packages are missing too.
  const round = Math.floor(index / LINUX_ADVISORIES.length);
  return {
    title: `${pkg}.x86_64:0:${version}${round ? `.${round}` : ''}`,
    kbId: `${pkg}.x86_64`,
    classification: 'Security',
    severity: critical ? 'Critical' : severity,
    cveIds: cve,
  };
}

export function initialPatchState(instance: Ec2Instance): StoredPatchState {
  const missing = tagCount(instance.tags, MISSING_TAG);
  const critical = Math.min(tagCount(instance.tags, CRITICAL_TAG), missing);
  return {
    instanceId: instance.instanceId,
    patchGroup: instance.tags['Patch Group'] ?? instance.tags['PatchGroup'] ?? '',
    baselineId: DEFAULT_BASELINES[instance.platform],
    operation: 'Scan',
    startedAt: instance.launchTime,
    endedAt: instance.launchTime,
    executionId: '',
    missing: Array.from({ length: missing }, (_, i) => missingPatch(instance.platform, i, i < critical)),
    installed: [],
    baseInstalled: BASE_PACKAGES.length,
  };
}

export interface PatchRun {
  operation: 'Scan' | 'Install';
  commandId: string;
  startedAt: Date;
  endedAt: Date;
  rebootOption?: string;
}

/** The result of AWS-RunPatchBaseline on an instance: a scan reports, an install fixes what is missing. */
export function applyPatchRun(state: StoredPatchState, run: PatchRun): void {
  state.operation = run.operation;
  state.startedAt = run.startedAt;
  state.endedAt = run.endedAt;
  state.executionId = run.commandId;
  if (run.operation !== 'Install') return;
  state.rebootOption = run.rebootOption ?? 'RebootIfNeeded';
  state.installed.push(...state.missing.map((p) => ({ ...p, installedAt: run.endedAt })));
  state.missing = [];
}

export function patchCounts(state: StoredPatchState) {
  const critical = state.missing.filter((p) => p.severity === 'Critical').length;
  return {
    InstalledCount: state.baseInstalled + state.installed.length,
    InstalledOtherCount: 0,
    InstalledPendingRebootCount: 0,
    InstalledRejectedCount: 0,
    MissingCount: state.missing.length,
    FailedCount: 0,
    UnreportedNotApplicableCount: 0,
    NotApplicableCount: 0,
    CriticalNonCompliantCount: critical,
    SecurityNonCompliantCount: state.missing.length,
    OtherNonCompliantCount: 0,
  };
}

export function isCompliant(state: StoredPatchState): boolean {
  return state.missing.length === 0;
}

/** Compliance severity of a patch (the SSM compliance scale). */
export function complianceSeverity(severity: string): 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNSPECIFIED' {
  switch (severity) {
    case 'Critical':
      return 'CRITICAL';
    case 'Important':
      return 'HIGH';
    case 'Medium':
    case 'Moderate':
      return 'MEDIUM';
    case 'Low':
      return 'LOW';
    default:
      return 'UNSPECIFIED';
  }
}

/** The packages an instance comes with, each counted as an installed patch. */
const BASE_PACKAGES = [
  'acl',
  'audit',
  'bash',
  'ca-certificates',
  'chrony',
  'cloud-init',
  'coreutils',
  'cronie',
  'dbus',
  'dnf',
  'e2fsprogs',
  'ec2-utils',
  'file',
  'filesystem',
  'findutils',
  'gawk',
  'gnupg2',
  'grep',
  'gzip',
  'iproute',
  'iptables-libs',
  'kmod',
  'libcap',
  'libgcc',
  'libselinux',
  'libstdc++',
  'lua',
  'ncurses',
  'nss',
  'pam',
  'procps-ng',
  'rpm',
  'rsyslog',
  'sed',
  'shadow-utils',
  'tar',
  'tzdata',
  'util-linux',
  'xfsprogs',
  'xz',
  'yum',
  'zlib',
];

/** The installed patch behind one of the packages an instance came with. */
export function baseInstalledPatch(state: StoredPatchState, index: number): StoredPatch {
  const pkg = BASE_PACKAGES[index % BASE_PACKAGES.length] ?? 'bash';
  return {
    title: `${pkg}.x86_64:0:2023.4.20240401-1.amzn2023`,
    kbId: `${pkg}.x86_64`,
    classification: 'Security',
    severity: 'Medium',
    cveIds: '',
    installedAt: state.startedAt,
  };
}
