import { XMLParser } from 'fast-xml-parser';
import type { ServiceModel, Shape } from '../model/index.js';
import { ServiceError } from '../errors.js';
import { formatScalar, parseScalar } from './values.js';
import { record } from '../records.js';

export function escapeXml(s: string): string {
  // Control characters other than tab/newline are not allowed raw in XML 1.0: write them as references.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#${c.charCodeAt(0)};`;
    }
  });
}

export interface XmlStyle {
  /** Element name of a structure member. */
  memberName(name: string, shape: Shape): string;
  /** Element name of list items when the list is wrapped (not flattened). */
  listItemName(member: Shape): string;
  /** Whether lists are written without a wrapper element. */
  flattened(list: Shape): boolean;
}

export const queryXmlStyle: XmlStyle = {
  memberName: (name, shape) => shape.locationName ?? name,
  listItemName: (member) => member.locationName ?? 'member',
  flattened: (list) => list.flattened === true,
};

export const ec2XmlStyle: XmlStyle = {
  memberName: (name, shape) => shape.locationName ?? name.charAt(0).toLowerCase() + name.slice(1),
  listItemName: (member) => member.locationName ?? 'item',
  flattened: () => false,
};

/** Serialize the members of a structure value as XML elements (without an enclosing element). */
export function writeMembers(model: ServiceModel, shape: Shape, value: unknown, style: XmlStyle): string {
  if (value === null || typeof value !== 'object') return '';
  const obj = value as Record<string, unknown>;
  let out = '';
  for (const [name, member] of model.members(shape)) {
    const v = obj[name];
    if (v === undefined || v === null || member.xmlAttribute) continue;
    if (member.location && member.location !== 'uri' && member.location !== 'querystring') continue;
    out += writeNamed(model, member, v, style.memberName(name, member), style);
  }
  return out;
}

function attributesOf(model: ServiceModel, shape: Shape, value: unknown): string {
  if (shape.type !== 'structure' || value === null || typeof value !== 'object') return '';
  let attrs = '';
  for (const [name, member] of model.members(shape)) {
    if (!member.xmlAttribute) continue;
    const v = (value as Record<string, unknown>)[name];
    if (v === undefined || v === null) continue;
    attrs += ` ${member.locationName ?? name}="${escapeXml(formatScalar(member, v))}"`;
    // Declare the xsi prefix unless the shape's own namespace already does (S3's Grantee): twice is invalid XML.
    const ns = shape.xmlNamespace;
    const declared = typeof ns === 'object' && ns.prefix === 'xsi';
    if ((member.locationName ?? '').startsWith('xsi:') && !declared) {
      attrs += ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
    }
  }
  return attrs;
}

function namespaceOf(shape: Shape): string {
  const ns = shape.xmlNamespace;
  if (!ns) return '';
  if (typeof ns === 'string') return ` xmlns="${escapeXml(ns)}"`;
  return ns.prefix ? ` xmlns:${ns.prefix}="${escapeXml(ns.uri)}"` : ` xmlns="${escapeXml(ns.uri)}"`;
}

/** Serialize one value as an element named `element` (lists that are flattened repeat the element). */
export function writeNamed(
  model: ServiceModel,
  shape: Shape,
  value: unknown,
  element: string,
  style: XmlStyle,
): string {
  switch (shape.type) {
    case 'structure':
      return `<${element}${namespaceOf(shape)}${attributesOf(model, shape, value)}>${writeMembers(model, shape, value, style)}</${element}>`;
    case 'list': {
      const items = Array.isArray(value) ? value : [];
      const member = model.listMember(shape);
      if (style.flattened(shape)) {
        const itemElement = shape.flattened && member.locationName ? member.locationName : element;
        return items.map((item) => writeNamed(model, member, item, itemElement, style)).join('');
      }
      const itemName = style.listItemName(member);
      return `<${element}>${items.map((item) => writeNamed(model, member, item, itemName, style)).join('')}</${element}>`;
    }
    case 'map': {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>);
      const keyShape = model.mapKey(shape);
      const valueShape = model.mapValue(shape);
      const keyName = keyShape.locationName ?? 'key';
      const valueName = valueShape.locationName ?? 'value';
      const body = (k: string, v: unknown) =>
        `<${keyName}>${escapeXml(k)}</${keyName}>${writeNamed(model, valueShape, v, valueName, style)}`;
      if (shape.flattened) return entries.map(([k, v]) => `<${element}>${body(k, v)}</${element}>`).join('');
      return `<${element}>${entries.map(([k, v]) => `<entry>${body(k, v)}</entry>`).join('')}</${element}>`;
    }
    default:
      return `<${element}>${escapeXml(formatScalar(shape, value))}</${element}>`;
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute,
  processEntities: true,
});

type XmlNode = Record<string, unknown> | string;

/** Parse an XML document; returns the root element's name and node. */
export function parseXmlDocument(text: string): { name: string; node: XmlNode } {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch (err) {
    throw new ServiceError(
      'MalformedXML',
      `The XML you provided was not well-formed: ${(err as Error).message}`,
    );
  }
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?'));
  if (!rootName)
    throw new ServiceError('MalformedXML', 'The XML you provided was not well-formed or did not validate.');
  const nodes = doc[rootName] as XmlNode[];
  return { name: rootName, node: nodes[0] ?? '' };
}

function textOf(node: XmlNode | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  const t = node['#text'];
  return typeof t === 'string' ? t : Array.isArray(t) ? t.join('') : '';
}

function childList(node: XmlNode, name: string): XmlNode[] {
  if (typeof node === 'string') return [];
  const v = node[name];
  return Array.isArray(v) ? (v as XmlNode[]) : [];
}

/** Read a value of `shape` from a parsed XML node, the way rest-xml and query style name things. */
export function readXml(model: ServiceModel, shape: Shape, node: XmlNode, where: string): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = record();
      for (const [name, member] of model.members(shape)) {
        if (member.location) continue;
        const element = member.locationName ?? name;
        if (member.xmlAttribute) {
          if (typeof node !== 'string') {
            const local = element.includes(':') ? element.slice(element.indexOf(':') + 1) : element;
            const attr = node[`@_${local}`] ?? node[`@_${element}`];
            if (typeof attr === 'string') out[name] = parseScalar(member, attr, `${where}.${name}`);
          }
          continue;
        }
        if (member.type === 'list' && member.flattened) {
          const itemShape = model.listMember(member);
          const items = childList(node, itemShape.locationName ?? element);
          if (items.length) out[name] = items.map((n) => readXml(model, itemShape, n, `${where}.${name}`));
          continue;
        }
        const children = childList(node, element);
        if (children.length) out[name] = readXml(model, member, children[0] as XmlNode, `${where}.${name}`);
      }
      return out;
    }
    case 'list': {
      const itemShape = model.listMember(shape);
      const itemName = itemShape.locationName ?? 'member';
      return childList(node, itemName).map((n) => readXml(model, itemShape, n, where));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      const keyShape = model.mapKey(shape);
      const valueShape = model.mapValue(shape);
      for (const entry of childList(node, 'entry')) {
        const k = textOf(childList(entry, keyShape.locationName ?? 'key')[0]);
        const v = childList(entry, valueShape.locationName ?? 'value')[0];
        out[k] = v === undefined ? undefined : readXml(model, valueShape, v, where);
      }
      return out;
    }
    default:
      return parseScalar(shape, textOf(node), where);
  }
}
