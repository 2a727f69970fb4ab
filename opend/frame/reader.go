package frame

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Reader reads packets from a stream. It reuses one header buffer, so Next
// allocates only the body it returns (nothing for an empty body).
//
// A Reader is not safe for concurrent use.
type Reader struct {
	r   io.Reader
	max int
	hdr [HeaderLen]byte

	// SkipVerify turns off the SHA-1 check in Next. It exists for encrypted
	// bodies, whose SHA-1 covers the plaintext: the caller decrypts and then
	// calls Verify itself.
	SkipVerify bool
}

// eagerBody is the largest body Next allocates in one go before any of it
// has arrived; larger bodies (still capped) grow as their bytes come in, so a
// peer that announces a large body and sends nothing cannot make us commit
// the whole cap.
const eagerBody = 1 << 20

// NewReader returns a Reader that refuses bodies larger than maxBody
// (DefaultMaxBody when maxBody <= 0). r is wrapped in a bufio.Reader unless
// it already is one.
func NewReader(r io.Reader, maxBody int) *Reader {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	if _, ok := r.(*bufio.Reader); !ok {
		r = bufio.NewReaderSize(r, 32<<10)
	}
	return &Reader{r: r, max: maxBody}
}

// Next reads the next packet. At a clean end of stream (no byte of a new
// header) it returns io.EOF; a stream that ends inside a packet gives
// ErrTruncated. Errors from the underlying reader (deadlines, closed
// connections) are returned unchanged. Any error other than a deadline leaves
// the stream out of sync: close it.
func (r *Reader) Next() (Frame, error) {
	n, err := io.ReadFull(r.r, r.hdr[:])
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return Frame{}, fmt.Errorf("%w: stream ended after %d of %d header bytes", ErrTruncated, n, HeaderLen)
		}
		return Frame{}, err
	}
	h, err := ParseHeader(r.hdr[:], r.max)
	if err != nil {
		return Frame{}, err
	}
	body, err := r.readBody(int(h.BodyLen))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return Frame{}, fmt.Errorf("%w: proto %d serial %d stream ended after %d of %d body bytes",
				ErrTruncated, h.ProtoID, h.Serial, len(body), h.BodyLen)
		}
		return Frame{}, err
	}
	if !r.SkipVerify {
		if err := Verify(h, body); err != nil {
			return Frame{}, err
		}
	}
	return Frame{Header: h, Body: body}, nil
}

// readBody reads exactly n (<= r.max) bytes, nil for none. On error it returns what
// it read.
func (r *Reader) readBody(n int) ([]byte, error) {
	switch {
	case n == 0:
		return nil, nil
	case n <= eagerBody:
		body := make([]byte, n)
		m, err := io.ReadFull(r.r, body)
		return body[:m], err
	}
	body := make([]byte, 0, eagerBody)
	for len(body) < n {
		if len(body) == cap(body) {
			body = append(body, 0)[:len(body)] // grow geometrically
		}
		end := min(cap(body), n)
		m, err := io.ReadFull(r.r, body[len(body):end])
		body = body[:len(body)+m]
		if err != nil {
			return body, err
		}
	}
	return body, nil
}
