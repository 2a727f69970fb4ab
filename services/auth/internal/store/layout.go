package store

// Redis key names. Keys are never touched together by a script, so they need no
// shared hash tag; multi-key work goes through pipelines, which go-redis splits by
// slot on a Cluster.
const (
	prefix      = "futugw:"
	tokPrefix   = prefix + "tok:"
	idPrefix    = prefix + "id:"
	childPrefix = prefix + "children:"
	revPrefix   = prefix + "revoked:"
)

func tokKey(hash string) string     { return tokPrefix + hash }
func idKey(id string) string        { return idPrefix + id }
func childKey(id string) string     { return childPrefix + id }
func revokedKey(hash string) string { return revPrefix + hash }
