// Stands in for Node's `crypto` in the browser bundle of futu-api, whose main.js uses only
// crypto.createHash("md5").update(key).digest("hex") to log in. The MD5 is spark-md5's
// (pinned in web/package.json); no other hash or encoding is offered.
import SparkMD5 from 'spark-md5';

export function createHash(algorithm) {
  if (String(algorithm).toLowerCase() !== 'md5') throw new Error(`crypto shim: only md5, not ${algorithm}`);
  const h = new SparkMD5();
  return {
    update(s) {
      if (typeof s !== 'string') throw new Error('crypto shim: update takes a string');
      h.append(s); // append converts the string to UTF-8, as Node does by default
      return this;
    },
    digest(encoding) {
      if (encoding !== 'hex') throw new Error(`crypto shim: only hex, not ${encoding}`);
      return h.end();
    },
  };
}

export default { createHash };
