package meshauthtest_test

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"

	meshauth "github.com/meshauth/meshauth-go"
	"github.com/meshauth/meshauth-go/meshauthtest"
)

func TestDevIssuerTokensValidate(t *testing.T) {
	if os.Getenv("MESHAUTH_ISSUER_BIN") == "" {
		t.Skip("MESHAUTH_ISSUER_BIN is not set (make test-go sets it)")
	}
	dev := meshauthtest.New(t)
	v, err := meshauth.NewValidator(map[string]any{"issuer": dev.Issuer, "audience": "orders", "discovery": true})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	token, err := dev.Mint(map[string]any{"sub": "alice", "aud": "orders"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Validate(token)
	if err != nil || p.Subject != "alice" {
		t.Fatalf("principal %+v, error %v", p, err)
	}
	other, err := dev.Mint(map[string]any{"sub": "bob", "aud": "billing"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Validate(other)
	var e *meshauth.Error
	if !errors.As(err, &e) || e.Code != meshauth.InvalidAudience || e.Status != 401 {
		t.Fatalf("want invalid_audience 401, got %v", err)
	}
	dev.Stop()
	dev.Stop() // idempotent
}

func TestWithoutABundledIssuerTheErrorNamesThePlatform(t *testing.T) {
	t.Setenv("MESHAUTH_ISSUER_BIN", "")
	if _, err := os.Stat("bin/" + runtime.GOOS + "_" + runtime.GOARCH); err == nil {
		t.Skip("this build bundles an issuer")
	}
	_, err := meshauthtest.Start()
	if err == nil || !strings.Contains(err.Error(), "no meshauth-issuer bundled for "+runtime.GOOS+"_"+runtime.GOARCH) ||
		!strings.Contains(err.Error(), "MESHAUTH_ISSUER_BIN") {
		t.Fatalf("error %v", err)
	}
}

func TestAMissingOverrideIsAnError(t *testing.T) {
	t.Setenv("MESHAUTH_ISSUER_BIN", "/nonexistent/meshauth-issuer")
	if _, err := meshauthtest.IssuerBinary(); err == nil || !strings.Contains(err.Error(), "/nonexistent/meshauth-issuer does not exist") {
		t.Fatalf("error %v", err)
	}
}
