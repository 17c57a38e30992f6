// Package meshauthtest runs the meshauth development issuer (`meshauth-issuer`, a small OAuth 2.0
// authorization server for tests and demos, never for production) on a free loopback port.
//
//	dev := meshauthtest.New(t) // stopped when the test ends
//	token, err := dev.Mint(map[string]any{"sub": "alice", "aud": "orders"})
//	v, err := meshauth.NewValidator(map[string]any{"issuer": dev.Issuer, "audience": "orders", "discovery": true})
//
// The executable is `$MESHAUTH_ISSUER_BIN` when set, else the copy this package embeds (the
// released module embeds the release build for linux/amd64), written once into the user's cache
// directory (it must be a file to be executed).
package meshauthtest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

//go:embed bin
var bundled embed.FS

// DevIssuer is a running development issuer.
type DevIssuer struct {
	// URL is its base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Issuer is the `iss` of the tokens it issues (from its discovery document).
	Issuer string

	cmd  *exec.Cmd
	once sync.Once
}

// New starts the development issuer for a test and stops it when the test ends; failures end
// the test.
func New(t testing.TB, args ...string) *DevIssuer {
	t.Helper()
	d, err := Start(args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	return d
}

// Start starts the development issuer on a free loopback port with its /dev endpoints (mint,
// rotate) on — a development tool, never a production server (extra command-line arguments follow
// `--port 0 --dev-endpoints`) and returns once it answers its discovery document. Call Stop when done.
func Start(args ...string) (*DevIssuer, error) {
	bin, err := IssuerBinary()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append([]string{"--port", "0", "--dev-endpoints"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("meshauthtest: starting %s: %w", bin, err)
	}
	d := &DevIssuer{cmd: cmd}
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, out) // keep draining stdout
	}()
	const prefix = "meshauth-issuer listening on "
	select {
	case l, ok := <-line:
		if !ok || !strings.HasPrefix(l, prefix) {
			d.Stop()
			return nil, fmt.Errorf("meshauthtest: meshauth-issuer did not report its address (first line %q); stderr: %s", l, strings.TrimSpace(stderr.String()))
		}
		d.URL = strings.TrimSuffix(strings.TrimPrefix(l, prefix), "/")
	case <-time.After(30 * time.Second):
		d.Stop()
		return nil, errors.New("meshauthtest: meshauth-issuer did not start in 30 s")
	}
	var meta struct {
		Issuer string `json:"issuer"`
	}
	if err := d.do(http.MethodGet, "/.well-known/openid-configuration", nil, &meta); err != nil {
		d.Stop()
		return nil, err
	}
	d.Issuer = meta.Issuer
	if d.Issuer == "" {
		d.Issuer = d.URL
	}
	return d, nil
}

// JWKSURL is the address of its JWK Set.
func (d *DevIssuer) JWKSURL() string { return d.URL + "/jwks" }

// TokenURL is the address of its token endpoint.
func (d *DevIssuer) TokenURL() string { return d.URL + "/token" }

// Mint returns a token with these claims signed (RS256) by the issuer's current key; `iss`,
// `iat` and `exp` default to sensible values (`POST /dev/mint`).
func (d *DevIssuer) Mint(claims map[string]any) (string, error) {
	return d.MintWith(map[string]any{"claims": claims, "alg": "RS256"})
}

// MintWith sends a whole `/dev/mint` request: {"claims", "alg" (RS256|ES256|EdDSA), "header",
// "ttl_s", "tamper"}.
func (d *DevIssuer) MintWith(request map[string]any) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	if err := d.do(http.MethodPost, "/dev/mint", request, &out); err != nil {
		return "", err
	}
	return out.Token, nil
}

// Rotate rotates its signing keys (`POST /dev/rotate`) and returns the published key ids.
func (d *DevIssuer) Rotate(retire bool) ([]string, error) {
	var out struct {
		Kids []string `json:"kids"`
	}
	err := d.do(http.MethodPost, "/dev/rotate", map[string]any{"retire": retire}, &out)
	return out.Kids, err
}

// Stop stops the process (idempotent).
func (d *DevIssuer) Stop() {
	d.once.Do(func() {
		if d.cmd.Process != nil {
			_ = d.cmd.Process.Kill()
			_ = d.cmd.Wait()
		}
	})
}

func (d *DevIssuer) do(method, path string, body, out any) error {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, d.URL+path, reader)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("meshauthtest: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("meshauthtest: %s %s: HTTP %d: %s", method, path, resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

// IssuerBinary is the path of the `meshauth-issuer` executable: `$MESHAUTH_ISSUER_BIN` when set,
// else the embedded one for this platform, written into the user's cache directory once.
func IssuerBinary() (string, error) {
	if bin := os.Getenv("MESHAUTH_ISSUER_BIN"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("meshauthtest: MESHAUTH_ISSUER_BIN=%s does not exist", bin)
		}
		return bin, nil
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	exe := "meshauth-issuer"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	data, err := bundled.ReadFile("bin/" + platform + "/" + exe)
	if err != nil {
		return "", fmt.Errorf("meshauthtest: no meshauth-issuer bundled for %s (bundled: %s); set MESHAUTH_ISSUER_BIN to one built with `cargo build -p meshauth-issuer`",
			platform, strings.Join(bundledPlatforms(), ", "))
	}
	return materialize(data, exe)
}

func bundledPlatforms() []string {
	entries, _ := fs.ReadDir(bundled, "bin")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return []string{"none"}
	}
	return names
}

// materialize writes the executable under a directory named by its content hash (so two versions
// never share a file), atomically, and reuses it afterwards.
func materialize(data []byte, exe string) (string, error) {
	sum := sha256.Sum256(data)
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "meshauth", "issuer-"+hex.EncodeToString(sum[:8]))
	path := filepath.Join(dir, exe)
	if info, err := os.Stat(path); err == nil && info.Size() == int64(len(data)) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("meshauthtest: %w", err)
	}
	tmp, err := os.CreateTemp(dir, exe+".*")
	if err != nil {
		return "", fmt.Errorf("meshauthtest: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o755)); err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("meshauthtest: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("meshauthtest: %w", err)
	}
	return path, nil
}
