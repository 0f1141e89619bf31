package hushzap_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/redact"
)

// TestCoreTemplateDetected: NewCore runs the detectors on an entry only
// when their scan sees something where the entry differs from a clean
// entry of its call site that it saw nothing in (redact.ContainsLike). A
// token of every family in a field of an entry that follows clean entries
// of the same call site is redacted: after entries whose field held a
// plain value, and after entries whose field held the token with one byte
// blanked (the entry then shares the token's other bytes with the
// template). The clean entries are checked to be ones the scan sees
// nothing in, so that the template is of use. Failure messages name the
// rule and variant, never the token.
func TestCoreTemplateDetected(t *testing.T) {
	// With the decoders and without (the detectors on the entry as
	// written are then all that can find a token).
	for _, enc := range []redact.Encoding{redact.AllEncodings, redact.Raw} {
		r, err := redact.New(redact.WithEncodings(enc))
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Set([]redact.Secret{secretDB}); err != nil {
			t.Fatal(err)
		}
		for _, core := range templateCores {
			t.Run(core.name, func(t *testing.T) { testCoreTemplateDetected(t, r, core.new) })
		}
	}
}

func testCoreTemplateDetected(t *testing.T, r *redact.Redactor, newCore func(zapcore.Encoder, zapcore.WriteSyncer, *redact.Redactor) zapcore.Core) {
	gen := detecttest.New(11)
	rng := rand.New(rand.NewPCG(11, 12))
	quiet := 0
	for _, tok := range gen.All() {
		if !detect.Default().Has(tok.Rule) {
			continue
		}
		for _, blank := range []int{-1, 0, 1, 2 + rng.IntN(tok.End-tok.Start-2)} {
			blanked := blank >= 0
			name := tok.Rule + "/" + tok.Variant
			if blanked {
				name += fmt.Sprintf("/after the token with byte %d blanked", blank)
			}
			out := &syncBuffer{}
			// Without a timestamp after the token with its first or
			// second byte blanked: the entries then differ only in that
			// byte, at the start of the token or just after it.
			ec := zap.NewProductionEncoderConfig()
			if blank == 0 || blank == 1 {
				ec.TimeKey = ""
			}
			logger := zap.New(newCore(zapcore.NewJSONEncoder(ec), out, r))
			clean := "value 1"
			if blanked {
				b := []byte(tok.Text)
				b[tok.Start+blank] = ' '
				clean = string(b)
			}
			for k := range 3 {
				logger.Info("request handled", zap.Int("n", k%2), zap.String("detail", clean), zap.Bool("ok", true))
			}
			if strings.Contains(out.String(), "[REDACTED") {
				// The blanked token is still one (its blank is after
				// what the rule reads): no template to test with.
				continue
			}
			lines := out.Lines()
			if detect.Default().Quiet([]byte(lines[len(lines)-1])) {
				quiet++
			}
			logger.Info("request handled", zap.Int("n", 0), zap.String("detail", tok.Text), zap.Bool("ok", true))
			lines = out.Lines()
			last := lines[len(lines)-1]
			if strings.Contains(last, tok.Secret()) {
				t.Errorf("%s: the token is in the entry", name)
			}
			assertNoLeak(t, last, redact.Secret{Name: name, Value: tok.Secret()})
			if !strings.Contains(last, "[REDACTED:detected:") {
				t.Errorf("%s: no detected token's replacement in the entry", name)
			}
		}
	}
	if quiet < 40 {
		t.Fatalf("only %d templates the scan saw nothing in", quiet)
	}
}
