import { isRecord } from '../../scenario/issues.js';
import type { PathSegment } from '../../scenario/problem.js';
import { isUnknown, type LintResource, type Rule, type RuleResult } from '../types.js';
import { asList, hit, isWorldCidr, opensPort, portRange, skip } from './util.js';

/**
 * Ingress from the whole internet (0.0.0.0/0 or ::/0), in a group's inline SecurityGroupIngress or in an
 * AWS::EC2::SecurityGroupIngress of its own. The families overlap on purpose: a rule opening everything
 * is reported once, as SG003, not also as admin and database exposure.
 */
const TYPES = ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'];

export const ADMIN_PORTS: Record<number, string> = { 22: 'SSH', 3389: 'RDP' };
export const DATABASE_PORTS: Record<number, string> = {
  1433: 'SQL Server',
  1521: 'Oracle',
  2379: 'etcd',
  3306: 'MySQL/Aurora',
  5432: 'PostgreSQL',
  5984: 'CouchDB',
  6379: 'Redis',
  7000: 'Cassandra',
  7199: 'Cassandra JMX',
  8020: 'HDFS',
  8086: 'InfluxDB',
  8529: 'ArangoDB',
  9042: 'Cassandra',
  9092: 'Kafka',
  9200: 'Elasticsearch/OpenSearch',
  9300: 'Elasticsearch/OpenSearch',
  11211: 'Memcached',
  27017: 'MongoDB',
  27018: 'MongoDB',
};
/** Ports that are public on purpose for web front ends. */
const WEB_PORTS = [80, 443];

interface WorldIngress {
  rule: Record<string, unknown>;
  path: PathSegment[];
  cidr: string;
  cidrKey: 'CidrIp' | 'CidrIpv6';
}

/** World-open ingress entries of a resource, with unknown CIDRs and port ranges reported as skipped. */
function worldIngress(res: LintResource, skipped: RuleResult[]): WorldIngress[] {
  const entries: Array<{ rule: unknown; path: PathSegment[] }> =
    res.type === 'AWS::EC2::SecurityGroupIngress'
      ? [{ rule: res.properties, path: [] }]
      : asList(res.properties.SecurityGroupIngress).map((rule, i) => ({
          rule,
          path: ['SecurityGroupIngress', i],
        }));
  if (isUnknown(res.properties.SecurityGroupIngress)) {
    skipped.push(skip(['SecurityGroupIngress'], res.properties.SecurityGroupIngress));
  }
  const out: WorldIngress[] = [];
  for (const { rule, path } of entries) {
    if (!isRecord(rule)) {
      if (isUnknown(rule)) skipped.push(skip(path, rule));
      continue;
    }
    for (const key of ['CidrIp', 'CidrIpv6'] as const) {
      const cidr = rule[key];
      if (isUnknown(cidr)) skipped.push(skip([...path, key], cidr));
      else if (isWorldCidr(cidr)) out.push({ rule, path, cidr: String(cidr), cidrKey: key });
    }
  }
  return out;
}

function portsRule(
  id: string,
  title: string,
  severity: Rule['severity'],
  ports: Record<number, string>,
  control: string,
  fix: string,
): Rule {
  return {
    id,
    family: 'security-group',
    title,
    severity,
    resourceTypes: TYPES,
    control,
    fix,
    check(res) {
      const results: RuleResult[] = [];
      for (const w of worldIngress(res, results)) {
        const range = portRange(w.rule);
        if (range === undefined) {
          results.push(skip([...w.path, 'FromPort'], w.rule.FromPort));
          continue;
        }
        if (range === 'all') continue; // SG003's
        if (range.from <= 0 && range.to >= 65535) continue; // every port of a protocol: SG003's
        const open = Object.entries(ports).filter(([p]) => opensPort(range, Number(p)));
        if (open.length === 0) continue;
        const names = open.map(([p, n]) => `${n} (${p})`).join(', ');
        results.push(hit([...w.path, w.cidrKey], `ingress from ${w.cidr} opens ${names} to the internet`));
      }
      return results;
    },
  };
}

export const SG001 = portsRule(
  'SG001',
  'Administration port open to the internet',
  'high',
  ADMIN_PORTS,
  'SSH and RDP are reachable only from the bastion or management network, never from the internet.',
  'Replace 0.0.0.0/0 (or ::/0) with the bastion or VPN CIDR, or use Session Manager and drop the rule.',
);

export const SG002 = portsRule(
  'SG002',
  'Database port open to the internet',
  'high',
  DATABASE_PORTS,
  'Databases and caches accept connections only from the application tier, never from the internet.',
  'Allow the database port only from the application security group (SourceSecurityGroupId) or a private CIDR.',
);

export const SG003: Rule = {
  id: 'SG003',
  family: 'security-group',
  title: 'All ports or all protocols open to the internet',
  severity: 'critical',
  resourceTypes: TYPES,
  control: 'No security group admits every port or protocol from the internet.',
  fix: 'Open only the ports the service needs (usually 443), and only to the networks that need them.',
  check(res) {
    const results: RuleResult[] = [];
    for (const w of worldIngress(res, results)) {
      const range = portRange(w.rule);
      if (range === 'all')
        results.push(hit([...w.path, w.cidrKey], `ingress from ${w.cidr} allows every protocol and port`));
      else if (range && range.from <= 0 && range.to >= 65535)
        results.push(
          hit([...w.path, w.cidrKey], `ingress from ${w.cidr} opens every ${String(w.rule.IpProtocol)} port`),
        );
    }
    return results;
  },
};

export const SG004: Rule = {
  id: 'SG004',
  family: 'security-group',
  title: 'Non-web port open to the internet',
  severity: 'medium',
  resourceTypes: TYPES,
  control: 'Only the web ports (80 and 443) of internet-facing services are reachable from the internet.',
  fix: 'Restrict the rule to the networks that use the port, or put the service behind a load balancer on 443.',
  check(res) {
    const results: RuleResult[] = [];
    for (const w of worldIngress(res, results)) {
      const range = portRange(w.rule);
      if (range === undefined || range === 'all' || (range.from <= 0 && range.to >= 65535)) continue;
      const flagged = { ...ADMIN_PORTS, ...DATABASE_PORTS };
      const ports = [];
      for (let p = Math.max(range.from, 0); p <= range.to && ports.length < 1; p++) {
        if (!WEB_PORTS.includes(p) && !(p in flagged)) ports.push(p);
      }
      if (ports.length > 0) {
        const span = range.from === range.to ? `port ${range.from}` : `ports ${range.from}-${range.to}`;
        results.push(hit([...w.path, w.cidrKey], `ingress from ${w.cidr} opens ${span} to the internet`));
      }
    }
    return results;
  },
};
