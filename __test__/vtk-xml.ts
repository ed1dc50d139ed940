/**
 * A strict reader of the VTK XML files calor writes, for the VTK specs: the XML declaration, elements with
 * double-quoted attributes, text, and VTK's raw appended data (`<AppendedData encoding="raw">`, spaces, `_`,
 * then binary blocks that are not XML: each a UInt64 byte count and the bytes). Anything else (a stray `<`,
 * an unclosed or mismatched tag, a repeated attribute, an unknown entity, bytes after the root) throws,
 * naming the byte offset. Decoding gives the exact float64 values back.
 */

export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** The text directly inside the element, entities decoded, surrounding white space kept. */
  text: string
  /** The raw appended data of an `<AppendedData encoding="raw">` element (after the `_`). */
  raw?: Buffer
}

const kEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const kName = /[A-Za-z_][\w.-]*/y
const kAttribute = /\s+([A-Za-z_][\w.-]*)="([^"<]*)"/y

function decodeText(text: string, at: number): string {
  return text.replace(/&([^;\s]*);?/g, (match, name: string) => {
    if (!match.endsWith(';') || !(name in kEntities)) throw new Error(`XML: a bad entity ${match} near byte ${at}`)
    return kEntities[name]
  })
}

class Reader {
  at = 0
  constructor(
    readonly bytes: Buffer,
    readonly text = bytes.toString('latin1'),
  ) {}

  fail(what: string): never {
    throw new Error(`XML: ${what} at byte ${this.at}: ${JSON.stringify(this.text.slice(this.at, this.at + 40))}`)
  }

  match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.at
    const found = pattern.exec(this.text)
    if (found !== null) this.at = pattern.lastIndex
    return found
  }

  expect(literal: string): void {
    if (!this.text.startsWith(literal, this.at)) this.fail(`expected ${JSON.stringify(literal)}`)
    this.at += literal.length
  }

  spaces(): void {
    this.match(/\s*/y)
  }

  /** An element starting at `<`; its children, text, and raw appended data. */
  element(): XmlElement {
    this.expect('<')
    const name = this.match(kName)?.[0] ?? this.fail('expected a tag name')
    const attributes: Record<string, string> = {}
    for (let found; (found = this.match(kAttribute)) !== null;) {
      if (found[1] in attributes) this.fail(`attribute ${found[1]} repeated`)
      attributes[found[1]] = decodeText(found[2], this.at)
    }
    this.spaces()
    const element: XmlElement = { name, attributes, children: [], text: '' }
    if (this.text.startsWith('/>', this.at)) {
      this.at += 2
      return element
    }
    this.expect('>')
    if (name === 'AppendedData' && attributes.encoding === 'raw') this.appended(element)
    this.content(element)
    this.expect(`</${name}`)
    this.spaces()
    this.expect('>')
    return element
  }

  /** Text and child elements up to the element's end tag. */
  content(element: XmlElement): void {
    for (;;) {
      const text = this.match(/[^<]*/y)![0]
      element.text += decodeText(text, this.at)
      if (this.text.startsWith('</', this.at)) return
      if (this.at >= this.text.length) this.fail(`<${element.name}> is not closed`)
      element.children.push(this.element())
    }
  }

  /** `_` and the binary blocks after it: one UInt64 little-endian count and that many bytes, once. */
  appended(element: XmlElement): void {
    this.spaces()
    this.expect('_')
    if (this.at + 8 > this.bytes.length) this.fail('the appended data is cut short')
    const count = Number(this.bytes.readBigUInt64LE(this.at))
    const end = this.at + 8 + count
    if (end > this.bytes.length) this.fail(`the appended block of ${count} bytes is cut short`)
    element.raw = this.bytes.subarray(this.at, end)
    this.at = end
  }
}

/** Parses a whole file: the declaration, one root element, and nothing but white space after it. */
export function parseVtkXml(bytes: Buffer): XmlElement {
  const reader = new Reader(bytes)
  reader.expect('<?xml version="1.0"?>')
  reader.spaces()
  const root = reader.element()
  reader.spaces()
  if (reader.at !== bytes.length) reader.fail('bytes after the root element')
  return root
}

/** The one child named `name` (throws if there is none or more than one). */
export function child(element: XmlElement, name: string): XmlElement {
  const found = element.children.filter((c) => c.name === name)
  if (found.length !== 1) throw new Error(`<${element.name}> has ${found.length} <${name}> children, expected 1`)
  return found[0]
}

/** A binary block (UInt64 little-endian count, then the bytes) as float64 values, checking the count. */
export function decodeBlock(block: Buffer): Float64Array {
  const count = Number(block.readBigUInt64LE(0))
  if (count !== block.length - 8 || count % 8 !== 0) {
    throw new Error(`a block says ${count} bytes and holds ${block.length - 8}`)
  }
  const copy = new Uint8Array(count)
  copy.set(block.subarray(8))
  return new Float64Array(copy.buffer)
}

/** Strict base64 (the alphabet, padding only at the end, a multiple of 4 characters) to bytes. */
export function decodeBase64(text: string): Buffer {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
    throw new Error(`not strict base64 (${text.length} characters)`)
  }
  return Buffer.from(text, 'base64')
}

/** A .vti file read back: its attributes, the time it records and the values of "u". */
export interface Vti {
  wholeExtent: string
  pieceExtent: string
  origin: string
  spacing: string
  time: number
  u: Float64Array
}

/** Reads a .vti as calor writes it (either encoding), strictly. */
export function readVti(bytes: Buffer): Vti {
  const root = parseVtkXml(bytes)
  const { type, version, byte_order: order, header_type: header } = root.attributes
  if (type !== 'ImageData' || version !== '1.0' || order !== 'LittleEndian' || header !== 'UInt64') {
    throw new Error(`unexpected <VTKFile> attributes ${JSON.stringify(root.attributes)}`)
  }
  const image = child(root, 'ImageData')
  const piece = child(image, 'Piece')
  const time = child(child(image, 'FieldData'), 'DataArray')
  const array = child(child(piece, 'PointData'), 'DataArray')
  const { type: kind, Name: name, format } = array.attributes
  if (kind !== 'Float64' || name !== 'u') throw new Error(`unexpected array ${JSON.stringify(array.attributes)}`)
  let u: Float64Array
  if (format === 'binary') {
    u = decodeBlock(decodeBase64(array.text))
  } else if (format === 'appended' && array.attributes.offset === '0') {
    u = decodeBlock(child(root, 'AppendedData').raw!)
  } else {
    throw new Error(`unexpected format ${format}`)
  }
  const { WholeExtent: wholeExtent, Origin: origin, Spacing: spacing } = image.attributes
  return { wholeExtent, pieceExtent: piece.attributes.Extent, origin, spacing, time: Number(time.text), u }
}

/** Reads a .pvd: each DataSet's timestep (as a number) and file, in order. */
export function readPvd(bytes: Buffer): { t: number; file: string }[] {
  const root = parseVtkXml(bytes)
  if (root.attributes.type !== 'Collection') throw new Error(`a .pvd of type ${root.attributes.type}`)
  return child(root, 'Collection').children.map((d) => {
    if (d.name !== 'DataSet') throw new Error(`<${d.name}> in a collection`)
    return { t: Number(d.attributes.timestep), file: d.attributes.file }
  })
}
