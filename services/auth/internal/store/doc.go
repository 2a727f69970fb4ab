// Package store keeps key records in Redis under the futugw: layout of the auth
// contract: tok:<hash> holds the record, id:<id> maps an id to its hash (SET NX makes
// ids unique), children:<id> lists a key's session keys, revoked:<hash> is a tombstone
// so a revoked key says so. Every entry expires with its key. The Store also
// implements authn.Validator: validation is one GET by hash.
package store
