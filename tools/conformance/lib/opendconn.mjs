// A minimal OpenD client over the official definitions: requests matched to
// responses by serial number, pushes (frames nobody asked for) kept per proto id.
import net from 'node:net';
import { encodeFrame, decodeFrame } from './frame.mjs';
import { PROTO, protoOf } from './protoids.mjs';

// JSON_OPTIONS renders 64-bit ids as strings so they can be sent back unchanged.
const TO_OBJECT = { longs: String, enums: Number, defaults: false };

export class OpenDConn {
  constructor(socket, root, timeoutMs) {
    this.socket = socket;
    this.root = root;
    this.timeoutMs = timeoutMs;
    this.serial = 0;
    this.pending = new Map(); // serial -> { name, resolve, reject, timer }
    this.pushes = [];         // { name, protoId, s2c }
    this.waiters = new Set(); // { match, resolve, reject, timer }
    this.buf = Buffer.alloc(0);
    this.closed = null;
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new Error(`socket error: ${err.message}`)));
    socket.on('close', () => this.fail(new Error('connection closed by OpenD')));
  }

  // connect opens a TCP connection to host:port.
  static connect(addr, root, timeoutMs) {
    const i = addr.lastIndexOf(':');
    const host = addr.slice(0, i);
    const port = Number(addr.slice(i + 1));
    if (i < 0 || !Number.isInteger(port)) throw new Error(`bad address ${addr}, want host:port`);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`connect ${addr}: timeout`)); }, timeoutMs);
      socket.once('error', (err) => { clearTimeout(timer); reject(new Error(`connect ${addr}: ${err.message}`)); });
      socket.once('connect', () => { clearTimeout(timer); resolve(new OpenDConn(socket, root, timeoutMs)); });
    });
  }

  // request sends Request{c2s} for the named protocol and resolves with the s2c of a
  // Response whose retType is 0 (as a plain object); anything else rejects.
  request(name, c2s) {
    return this.send(name, c2s, false);
  }

  send(name, c2s, raw) {
    if (this.closed) return Promise.reject(this.closed);
    const protoId = PROTO[name];
    const Request = this.root.lookupType(`${name}.Request`);
    const msg = Request.fromObject({ c2s });
    const bad = Request.verify(msg);
    if (bad) return Promise.reject(new Error(`${name}: invalid request: ${bad}`));
    this.serial += 1;
    const serial = this.serial;
    const frame = encodeFrame(protoId, serial, Request.encode(msg).finish());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(serial);
        reject(new Error(`${name} (${protoId}) serial ${serial}: no response within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(serial, { name, protoId, raw, resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  // call sends Request{c2s} like request but resolves with the raw Response body
  // whatever its retType, for callers that judge refusals themselves (walk.mjs).
  call(name, c2s) {
    return this.send(name, c2s, true);
  }

  // callRaw sends an empty request body for a proto id (one futu-api may ship no
  // messages for) and resolves with the raw Response body.
  callRaw(protoId, name) {
    if (this.closed) return Promise.reject(this.closed);
    this.serial += 1;
    const serial = this.serial;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(serial);
        reject(new Error(`${name} (${protoId}) serial ${serial}: no response within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(serial, { name, protoId, raw: true, resolve, reject, timer });
      this.socket.write(encodeFrame(protoId, serial, Buffer.alloc(0)));
    });
  }

  // nextSerial is the serial number the next request will carry (for PacketID).
  nextSerial() {
    return this.serial + 1;
  }

  // waitPush resolves with the s2c of the first push of the named protocol (already
  // received or future) for which match(s2c) is true.
  waitPush(name, match, what) {
    const found = this.pushes.find((p) => p.name === name && match(p.s2c));
    if (found) return Promise.resolve(found.s2c);
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      const w = { name, match, resolve, reject };
      w.timer = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`no ${name} push (${what}) within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiters.add(w);
    });
  }

  close() {
    this.closed ??= new Error('closed');
    this.socket.destroy();
    this.rejectAll(this.closed);
  }

  onData(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    try {
      for (;;) {
        const got = decodeFrame(this.buf);
        if (got === null) break;
        this.buf = got.rest;
        this.onFrame(got.frame);
      }
    } catch (err) {
      this.fail(err);
      this.socket.destroy();
    }
  }

  onFrame(frame) {
    if (frame.fmt !== 0) throw new Error(`proto ${frame.protoId}: body format ${frame.fmt}, want 0 (protobuf)`);
    const pending = this.pending.get(frame.serial);
    if (pending !== undefined && pending.protoId === frame.protoId) {
      this.pending.delete(frame.serial);
      clearTimeout(pending.timer);
      try {
        pending.resolve(pending.raw ? frame.body : this.decodeResponse(pending.name, frame.body));
      } catch (err) {
        pending.reject(err);
      }
      return;
    }
    const proto = protoOf(frame.protoId);
    if (!proto?.push) return; // not a push: a late answer nobody waits for
    const { name } = proto;
    const s2c = this.decodeResponse(name, frame.body); // throws: a bad push fails the flow
    this.pushes.push({ name, protoId: frame.protoId, s2c });
    for (const w of this.waiters) {
      if (w.name === name && w.match(s2c)) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(s2c);
      }
    }
  }

  // decodeResponse decodes with the official Response type (which throws on missing
  // required fields), verifies it and insists on retType 0.
  decodeResponse(name, body) {
    const Response = this.root.lookupType(`${name}.Response`);
    const msg = Response.decode(body);
    const bad = Response.verify(msg);
    if (bad) throw new Error(`${name}: response fails official verify: ${bad}`);
    const obj = Response.toObject(msg, TO_OBJECT);
    if (obj.retType !== 0) {
      throw new Error(`${name}: retType ${obj.retType}, errCode ${obj.errCode ?? '-'}, retMsg ${JSON.stringify(obj.retMsg ?? '')}`);
    }
    return obj.s2c ?? {};
  }

  fail(err) {
    if (this.closed) return;
    this.closed = err;
    this.rejectAll(err);
  }

  rejectAll(err) {
    for (const [serial, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${p.name} serial ${serial}: ${err.message}`));
    }
    this.pending.clear();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error(`waiting for ${w.name}: ${err.message}`));
    }
    this.waiters.clear();
  }
}
