import { DefaultSerializer } from 'node:v8';

/**
 * v8.serialize's bytes, made faster for byte arrays. Node's serializer writes every
 * typed array through a JS callback that first names its type by
 * Object.prototype.toString; a block record or a batch holds thousands of small
 * Uint8Arrays (addresses, topics, blooms), and that naming was a third of the time.
 * Here a plain Uint8Array or Buffer is written directly, in the same form (type index,
 * length, bytes), so v8.deserialize reads the result unchanged; any other view goes
 * through Node's own path.
 */
const UINT8ARRAY = 1;
/** Node's index for its Buffer (FastBuffer) in a serialized host object. */
const BUFFER = 10;

class ByteArraySerializer extends DefaultSerializer {
  _writeHostObject(view: NodeJS.TypedArray | DataView): void {
    const type = view.constructor === Uint8Array ? UINT8ARRAY : view.constructor === Buffer ? BUFFER : 0;
    if (type === 0) {
      (DefaultSerializer.prototype as unknown as { _writeHostObject(v: unknown): void })._writeHostObject.call(this, view);
      return;
    }
    this.writeUint32(type);
    this.writeUint32(view.byteLength);
    this.writeRawBytes(view);
  }
}

export function serialize(value: unknown): Buffer {
  const s = new ByteArraySerializer();
  s.writeHeader();
  s.writeValue(value);
  return s.releaseBuffer();
}
