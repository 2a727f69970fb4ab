package substore

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/futugw/gateway/services/quote/internal/subs"
)

// Record is one session's saved state: its pairs, and the keys it was seen with
// (token hash -> expiry, zero: never), which end it (subs.Lifetimes). Never a key's
// plaintext: Lifetimes only knows hashes.
type Record struct {
	Session string
	Pairs   []subs.Pair
	Keys    map[string]time.Time
}

// until is when the record may be forgotten: grace after its latest key's expiry.
// never reports a key without expiry; a record without keys ended already (zero).
func (r Record) until(grace time.Duration) (at time.Time, never bool) {
	for _, exp := range r.Keys {
		if exp.IsZero() {
			return time.Time{}, true
		}
		if exp.After(at) {
			at = exp
		}
	}
	if at.IsZero() {
		return at, false
	}
	return at.Add(grace), false
}

// version is the encoding's; a record of another version is malformed to this code.
const version = 1

// wire is the stored JSON, short names to keep it compact:
// {"v":1,"s":"alice","p":[{"m":1,"c":"00700","t":1}],"k":[{"h":"<sha-256 hex>","x":1767225600000}]}
type wire struct {
	V int        `json:"v"`
	S string     `json:"s"`           // session
	P []wirePair `json:"p"`           // pairs, sorted
	K []wireKey  `json:"k,omitempty"` // keys, sorted by hash
}

type wirePair struct {
	M int32  `json:"m"` // Qot_Common.QotMarket
	C string `json:"c"` // code
	T int32  `json:"t"` // Qot_Common.SubType
}

type wireKey struct {
	H string `json:"h"`           // token hash
	X int64  `json:"x,omitempty"` // expiry, Unix milliseconds; absent: never
}

// maxHash bounds a stored token hash (authn's are 64 hex digits).
const maxHash = 128

func encode(r Record) ([]byte, error) {
	w := wire{V: version, S: r.Session, P: make([]wirePair, 0, len(r.Pairs))}
	ps := slices.Clone(r.Pairs)
	subs.Sort(ps)
	for _, p := range ps {
		w.P = append(w.P, wirePair{M: p.Sec.Market, C: p.Sec.Code, T: p.SubType})
	}
	for _, h := range slices.Sorted(maps.Keys(r.Keys)) {
		k := wireKey{H: h}
		if exp := r.Keys[h]; !exp.IsZero() {
			k.X = exp.UnixMilli()
		}
		w.K = append(w.K, k)
	}
	return json.Marshal(w)
}

// decode parses a record stored under session's key and checks it as the registry
// would: a record this code did not write (or another version) is an error.
func decode(session string, b []byte) (Record, error) {
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		return Record{}, fmt.Errorf("not a record: %w", err)
	}
	if w.V != version {
		return Record{}, fmt.Errorf("version %d, want %d", w.V, version)
	}
	if w.S != session {
		return Record{}, fmt.Errorf("session %q stored under the key of %q", w.S, session)
	}
	if len(w.P) == 0 {
		return Record{}, errors.New("no pairs")
	}
	if len(w.K) == 0 {
		return Record{}, errors.New("no keys")
	}
	r := Record{Session: w.S, Pairs: make([]subs.Pair, 0, len(w.P)), Keys: make(map[string]time.Time, len(w.K))}
	for i, p := range w.P {
		pr := subs.Pair{Sec: subs.Security{Market: p.M, Code: p.C}, SubType: p.T}
		if err := subs.ValidateSecurity(pr.Sec); err != nil {
			return Record{}, fmt.Errorf("pair %d: %w", i, err)
		}
		if err := subs.ValidateSubType(pr.SubType); err != nil {
			return Record{}, fmt.Errorf("pair %d: %w", i, err)
		}
		if !slices.Contains(r.Pairs, pr) {
			r.Pairs = append(r.Pairs, pr)
		}
	}
	for i, k := range w.K {
		if k.H == "" || len(k.H) > maxHash {
			return Record{}, fmt.Errorf("key %d: token hash of %d bytes", i, len(k.H))
		}
		if k.X < 0 {
			return Record{}, fmt.Errorf("key %d: negative expiry", i)
		}
		var exp time.Time
		if k.X > 0 {
			exp = time.UnixMilli(k.X)
		}
		r.Keys[k.H] = exp
	}
	return r, nil
}
