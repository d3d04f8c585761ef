// The Go client of the client audit (test/integration/audit-go-client.test.ts): one HTTPS request with an
// Authorization header through net/http and crypto/tls, standard library only.
//
//	goclient <url> <ca-file> <token> <mode>
//
// Modes — the ways Go programs commonly configure trust:
//
//	default   tls.Config{RootCAs: a pool holding only <ca-file>}, nothing else set
//	tls12     as default, with MaxVersion: tls.VersionTLS12 (what code pinned to TLS 1.2 does)
//	system    the system roots (x509.SystemCertPool) with <ca-file> appended
//	env       no tls.Config at all (http.DefaultClient); the caller sets SSL_CERT_FILE=<ca-file>
//	insecure  tls.Config{InsecureSkipVerify: true}
//
// Prints the HTTP status on success; exits 1 with the error on stderr otherwise, 2 on a usage error.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(code)
}

func main() {
	if len(os.Args) != 5 {
		fail(2, "usage: goclient <url> <ca-file> <token> <default|tls12|system|env|insecure>")
	}
	url, caFile, token, mode := os.Args[1], os.Args[2], os.Args[3], os.Args[4]

	client := http.DefaultClient
	if mode != "env" {
		var config *tls.Config
		switch mode {
		case "default", "tls12", "system":
			pem, err := os.ReadFile(caFile)
			if err != nil {
				fail(2, "reading the CA file: %v", err)
			}
			pool := x509.NewCertPool()
			if mode == "system" {
				if pool, err = x509.SystemCertPool(); err != nil {
					fail(2, "system roots: %v", err)
				}
			}
			if !pool.AppendCertsFromPEM(pem) {
				fail(2, "no certificate in %s", caFile)
			}
			config = &tls.Config{RootCAs: pool}
			if mode == "tls12" {
				config.MaxVersion = tls.VersionTLS12
			}
		case "insecure":
			config = &tls.Config{InsecureSkipVerify: true}
		default:
			fail(2, "unknown mode %q", mode)
		}
		// A clone of the default transport keeps its HTTP/2 and proxy behaviour, as most programs that set
		// TLSClientConfig do.
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.TLSClientConfig = config
		client = &http.Client{Transport: transport}
	}
	client.Timeout = 10 * time.Second

	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		fail(2, "request: %v", err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("audit:"+token)))
	res, err := client.Do(req)
	if err != nil {
		fail(1, "%v", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	fmt.Println(res.Status)
}
