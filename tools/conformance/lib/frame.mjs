// The OpenD frame: a 44-byte header ("FT", proto_id u32 LE, fmt, ver, serial u32 LE,
// body_len u32 LE, SHA-1 of the body, 8 reserved bytes) followed by the body.
import crypto from 'node:crypto';

export const HEADER_LEN = 44;
export const MAX_BODY = 16 << 20;

// encodeFrame returns header + body for a protobuf (fmt 0, ver 0) body.
export function encodeFrame(protoId, serial, body) {
  const h = Buffer.alloc(HEADER_LEN);
  h.write('FT', 0, 'latin1');
  h.writeUInt32LE(protoId, 2);
  h.writeUInt8(0, 6);
  h.writeUInt8(0, 7);
  h.writeUInt32LE(serial, 8);
  h.writeUInt32LE(body.length, 12);
  crypto.createHash('sha1').update(body).digest().copy(h, 16);
  return Buffer.concat([h, body]);
}

// decodeFrame parses one frame from the start of buf: null when more bytes are
// needed, otherwise { frame, rest }; throws on a bad flag, size or checksum.
export function decodeFrame(buf) {
  if (buf.length < HEADER_LEN) return null;
  if (buf.toString('latin1', 0, 2) !== 'FT') throw new Error(`bad frame flag ${buf.subarray(0, 2).toString('hex')}`);
  const bodyLen = buf.readUInt32LE(12);
  if (bodyLen > MAX_BODY) throw new Error(`frame body of ${bodyLen} bytes exceeds ${MAX_BODY}`);
  if (buf.length < HEADER_LEN + bodyLen) return null;
  const body = buf.subarray(HEADER_LEN, HEADER_LEN + bodyLen);
  const sum = crypto.createHash('sha1').update(body).digest();
  if (!sum.equals(buf.subarray(16, 36))) throw new Error('frame SHA-1 mismatch');
  const frame = {
    protoId: buf.readUInt32LE(2),
    fmt: buf.readUInt8(6),
    ver: buf.readUInt8(7),
    serial: buf.readUInt32LE(8),
    body: Buffer.from(body),
  };
  return { frame, rest: buf.subarray(HEADER_LEN + bodyLen) };
}
