import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { ErrorDetail, XmlDocument, XmlNode, XsdValidator } from 'libxml2-wasm';
import type { ErrorType } from './messages';

/** A message larger than this is refused before any parser sees it (a real one is a few KiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

export const ISO18626_NAMESPACE = 'http://illtransactions.org/2013/iso18626';

const SCHEMA_FILE = path.join(__dirname, 'schema', 'ISO-18626-v1_2.xsd');
const XSD_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';

/** Why a message cannot be acted on, in the terms of an ISO 18626 confirmation's errorData. */
export interface XmlProblem {
  errorType: ErrorType;
  errorValue: string;
}

/** A parsed document as plain objects: namespace prefixes stripped, every value a string. */
export type XmlTree = Record<string, unknown>;

export type XmlReading =
  | { ok: true; tree: XmlTree }
  /** `tree` is there when the text was well-formed XML, so a caller can still tell what it was. */
  | { ok: false; problem: XmlProblem; tree?: XmlTree };

export interface ReadOptions {
  maxBytes?: number;
}

interface Schema {
  libxml2: typeof import('libxml2-wasm');
  validator: XsdValidator;
  /** Every element name the schema declares, to tell an unknown element from a misplaced one. */
  elementNames: ReadonlySet<string>;
}

let schema: Promise<Schema> | undefined;

/**
 * libxml2-wasm instantiates its WebAssembly module with a top-level await, which only a dynamic
 * import can wait for from the engine's CommonJS modules; it is loaded, and the schema compiled,
 * once per process.
 */
function loadSchema(): Promise<Schema> {
  schema ??= (async () => {
    const libxml2 = await import('libxml2-wasm');
    // Never disposed: the compiled schema keeps pointers into the document it was parsed from.
    const xsd = libxml2.XmlDocument.fromString(await readFile(SCHEMA_FILE, 'utf8'), { option: safeParsing(libxml2), encoding: 'utf-8' });
    const elementNames = new Set(
      xsd
        .find('//xs:element[@name]', { xs: XSD_NAMESPACE })
        .map((node) => (node instanceof libxml2.XmlElement ? node.attr('name')?.value : undefined))
        .filter((name): name is string => name !== undefined),
    );
    return { libxml2, validator: libxml2.XsdValidator.fromDoc(xsd), elementNames };
  })();
  return schema;
}

/**
 * No entity substitution (no XML_PARSE_NOENT), no external DTD or entity loading, no network: a
 * DOCTYPE never gets this far, and these options keep libxml2 safe even if one did.
 */
function safeParsing(libxml2: typeof import('libxml2-wasm')): number {
  return libxml2.ParseOption.XML_PARSE_NONET | libxml2.ParseOption.XML_PARSE_NO_XXE;
}

const treeParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Identifiers such as ISBNs and request ids are strings; leading zeros and long digit runs must survive.
  parseTagValue: false,
  // Trimming each piece of text would also drop the spaces between text and a CDATA section; the
  // reader trims whole values instead.
  trimValues: false,
  // fast-xml-parser decodes numeric character references (&#x4E2D;) only with this flag. Its HTML
  // named entities never apply: libxml2 has already refused any entity XML does not predefine.
  htmlEntities: true,
  isArray: (_name, jpath) => typeof jpath === 'string' && REPEATED.has(jpath.replace(/^ISO18626Message\./, '')),
});

/** Elements the schema lets occur more than once where they stand, as fast-xml-parser paths below the root. */
const REPEATED = new Set([
  'request.bibliographicInfo.bibliographicItemId',
  'request.bibliographicInfo.bibliographicRecordId',
  'request.serviceInfo.requestSubType',
  'request.supplierInfo',
  'request.requestedDeliveryInfo',
  'request.requestingAgencyInfo.address',
  'request.patronInfo.address',
]);

/**
 * Reads an ISO 18626 message safely and checks it against the schema: refuses a body over the size
 * limit and any DOCTYPE before parsing, parses with libxml2 (line numbers for what is not
 * well-formed), validates against the v1.2 XSD, and only then turns it into plain objects.
 */
export async function readIso18626Xml(xml: string, options: ReadOptions = {}): Promise<XmlReading> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > maxBytes) {
    return refuse('BadlyFormedMessage', `message is ${bytes} bytes, over the limit of ${maxBytes}`);
  }
  const declaration = /<!(DOCTYPE|ENTITY)/i.exec(xml);
  if (declaration) {
    return refuse(
      'BadlyFormedMessage',
      `line ${lineOf(xml, declaration.index)}: a <!${declaration[1]}> declaration is not accepted in an ISO 18626 message`,
    );
  }
  const { libxml2, validator, elementNames } = await loadSchema();
  let doc: XmlDocument;
  try {
    doc = libxml2.XmlDocument.fromString(xml, { option: safeParsing(libxml2), encoding: 'utf-8' });
  } catch (error) {
    if (!(error instanceof libxml2.XmlLibError)) throw error;
    return refuse('BadlyFormedMessage', `not well-formed XML: ${describeParseError(error.details)}`);
  }
  try {
    try {
      validator.validate(doc);
    } catch (error) {
      if (!(error instanceof libxml2.XmlValidateError)) throw error;
      return { ok: false, problem: schemaProblem(doc, error.details, elementNames), tree: tryTree(xml) };
    }
  } finally {
    doc.dispose();
  }
  return { ok: true, tree: treeParser.parse(xml) as XmlTree };
}

/** What is wrong with a text as an ISO 18626 message, or undefined when it is a valid one. */
export async function checkIso18626Xml(xml: string, options?: ReadOptions): Promise<XmlProblem | undefined> {
  const reading = await readIso18626Xml(xml, options);
  return reading.ok ? undefined : reading.problem;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

/** Writes plain objects, built in the schema's element order, as an XML document. */
export function writeXml(tree: XmlTree): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(tree)}`;
}

function refuse(errorType: ErrorType, errorValue: string): XmlReading {
  return { ok: false, problem: { errorType, errorValue } };
}

function tryTree(xml: string): XmlTree | undefined {
  try {
    return treeParser.parse(xml) as XmlTree;
  } catch {
    return undefined;
  }
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function describeParseError(details: ErrorDetail[]): string {
  const first = details[0];
  if (!first) return 'unreadable';
  return `line ${first.line}, column ${first.col}: ${first.message.trim()}`;
}

const SCHEMA_MESSAGE = /^Element '(?:\{([^}]*)\})?([^']+)'(?:, attribute '([^']+)')?: ([\s\S]*)$/;

/**
 * The ISO 18626 error type of the first thing the schema found wrong (libxml2 reports in document
 * order), with a readable path and line; libxml2's wording is kept for the rest, without namespaces.
 */
function schemaProblem(doc: XmlDocument, details: ErrorDetail[], elementNames: ReadonlySet<string>): XmlProblem {
  const [first, ...others] = details;
  if (!first) return { errorType: 'BadlyFormedMessage', errorValue: 'the message does not follow the ISO 18626 schema' };
  const match = SCHEMA_MESSAGE.exec(first.message.trim());
  const [, namespace, element = '', qualifiedAttribute, text = first.message] = match ?? [];
  const attribute = qualifiedAttribute?.replace(/^\{[^}]*\}/, '');
  const where = `${readablePath(doc, first.xpath, element)}${attribute ? `/@${attribute}` : ''}, line ${first.line}`;
  const what = text.replace(/\{[^}]*\}/g, '').replace(/^\[facet '[^']+'\] /, '').trim();
  const more = others.length ? ` (and ${others.length} more ${others.length === 1 ? 'problem' : 'problems'})` : '';
  return {
    errorType: errorTypeOf(text, namespace, element, attribute, elementNames),
    errorValue: `${where}: ${what}${more}`,
  };
}

function errorTypeOf(
  text: string,
  namespace: string | undefined,
  element: string,
  attribute: string | undefined,
  elementNames: ReadonlySet<string>,
): ErrorType {
  if (attribute && /is not allowed/.test(text)) return 'UnrecognisedDataElement';
  if (/This element is not expected/.test(text)) {
    const known = namespace === ISO18626_NAMESPACE && elementNames.has(element);
    return known ? 'BadlyFormedMessage' : 'UnrecognisedDataElement';
  }
  if (/\[facet 'enumeration'\]/.test(text)) {
    if (element === 'action') return 'UnsupportedActionType';
    if (element === 'reasonForMessage') return 'UnsupportedReasonForMessageType';
    return 'UnrecognisedDataValue';
  }
  if (/is not a valid value of the (local )?atomic type|\[facet '/.test(text)) return 'UnrecognisedDataValue';
  return 'BadlyFormedMessage';
}

/** `/ISO18626Message/supplyingAgencyMessage/statusInfo/status` for libxml2's `/*\/*\/*[3]/*[1]`. */
function readablePath(doc: XmlDocument, xpath: string | undefined, element: string): string {
  if (!xpath) return element;
  // libxml2 names an element of a foreign namespace by a prefix its own XPath cannot resolve (and
  // says so on stderr), so such an element is found through its parent.
  const parent = xpath.replace(/\/[^/]*$/, '');
  if (/:[^/]*$/.test(xpath)) return `${parent ? (pathOf(doc.get(parent)) ?? '') : ''}/${element}`;
  return pathOf(doc.get(xpath)) ?? element;
}

function pathOf(node: XmlNode | null): string | undefined {
  const names: string[] = [];
  for (let at = node; at; at = at.parent) {
    if ('name' in at && typeof at.name === 'string') names.unshift(at.name);
  }
  return names.length ? `/${names.join('/')}` : undefined;
}
