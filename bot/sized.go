package bot

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
)

// The library writes every request's multipart form into a pipe from a
// goroutine of its own, so net/http sends it chunked: one chunk, flushed
// in a write of its own, for every piece the form writer makes (a boundary,
// a field's header, its value). A question sent that way costs a dozen
// write syscalls here and as many reads at the other end. sized reads the
// form from the pipe first and sends it with a Content-Length, in one
// write. Files (sendDocument: the managers' export) still stream: they can
// be large, and their bodies are few.

// sizedLimit is the largest body kept in the pool for the next request.
const sizedLimit = 64 << 10

var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// sized returns req with its body read into memory and its length set, or
// req unchanged when its body is a file or already has a length.
func sized(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength > 0 || strings.HasSuffix(req.URL.Path, "/sendDocument") {
		return req, nil
	}
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	_, err := buf.ReadFrom(req.Body)
	req.Body.Close()
	if err != nil {
		bodies.Put(buf)
		return nil, err
	}
	// The library made req for this one call: it is changed in place.
	// Without a GetBody, net/http does not send it again by itself, as it
	// did not send the pipe again: a send is retried only by Bot.call.
	req.ContentLength = int64(buf.Len())
	req.Body = &pooledBody{Reader: bytes.NewReader(buf.Bytes()), buf: buf}
	return req, nil
}

// pooledBody gives its buffer back to the pool when the transport closes
// it, which it does once it has written the request (or given up on it).
type pooledBody struct {
	*bytes.Reader
	once sync.Once
	buf  *bytes.Buffer
}

func (p *pooledBody) Close() error {
	p.once.Do(func() {
		if p.buf.Cap() <= sizedLimit {
			bodies.Put(p.buf)
		}
	})
	return nil
}
