package store

// Redis key names. Keys are never touched together by a script or a multi-key
// command, so they need no shared hash tag and spread over a Cluster's slots;
// multi-key work goes through pipelines, which go-redis splits by node on a Cluster
// and runs concurrently, so a pipeline never carries writes whose order matters
// (see kill). List scans every primary.
const (
	prefix      = "futugw:"
	tokPrefix   = prefix + "tok:"
	idPrefix    = prefix + "id:"
	childPrefix = prefix + "children:"
	revPrefix   = prefix + "revoked:"
	rotPrefix   = prefix + "rotated:"
)

func tokKey(hash string) string     { return tokPrefix + hash }
func idKey(id string) string        { return idPrefix + id }
func childKey(id string) string     { return childPrefix + id }
func revokedKey(hash string) string { return revPrefix + hash }
func rotatedKey(hash string) string { return rotPrefix + hash }
