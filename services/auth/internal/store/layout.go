package store

// Redis key names. Keys are never touched together by a script or a multi-key
// command (the one script, casRecord, touches one record), so they need no shared
// hash tag and spread over a Cluster's slots;
// multi-key work goes through pipelines, which go-redis splits by node on a Cluster
// and runs concurrently, so a pipeline never carries writes whose order matters
// (see kill). List scans every primary.
const (
	prefix       = "futugw:"
	tokPrefix    = prefix + "tok:"
	idPrefix     = prefix + "id:"
	childPrefix  = prefix + "children:"
	revPrefix    = prefix + "revoked:"
	rotPrefix    = prefix + "rotated:"
	md5Prefix    = prefix + "md5:"
	md5RevPrefix = prefix + "md5revoked:"
)

func tokKey(hash string) string     { return tokPrefix + hash }
func idKey(id string) string        { return idPrefix + id }
func childKey(id string) string     { return childPrefix + id }
func revokedKey(hash string) string { return revPrefix + hash }
func rotatedKey(hash string) string { return rotPrefix + hash }

// digestKey is the SDK digest index entry of a key: the SHA-256 of its MD5
// (keys.DigestHash) names it and its token hash is the value. The MD5 itself, which
// the SDK presents, is never stored.
func digestKey(digestHash string) string { return md5Prefix + digestHash }

// digestRevokedKey is the tombstone of a revoked key's digest entry (the key id), so
// its MD5 says "revoked" as the key does.
func digestRevokedKey(digestHash string) string { return md5RevPrefix + digestHash }
