//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// tokenLog writes a log with a generated token of every shape of every
// detector family, each in every context detecttest knows (raw, JSON, JSON
// in JSON, a URL query, base64, headers, configuration lines, ...), and
// returns its path, the tokens as leak-oracle secrets (named
// rule/variant), and for each rule the number of contexts in which its
// tokens stand as themselves (which any scan must find).
func tokenLog(t *testing.T, dir string) (path string, secrets []redact.Secret, literal map[string]int) {
	t.Helper()
	var b bytes.Buffer
	literal = map[string]int{}
	for _, tok := range detecttest.New(5).All() {
		for _, c := range detecttest.Contexts() {
			p := c.Wrap(tok)
			b.WriteString(p.Text)
			if p.Literal {
				literal[tok.Rule]++
			}
		}
		secrets = append(secrets, redact.Secret{Name: tok.Rule + "/" + tok.Variant, Value: tok.Secret()})
	}
	path = filepath.Join(dir, "tokens.log")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path, secrets, literal
}

// libraryFinds counts by rule what the library (a Redactor with the
// detectors of spec) finds in the file at path, read whole.
func libraryFinds(t *testing.T, path, spec string) map[string]int {
	t.Helper()
	set, err := detect.Parse(spec)
	require.NoError(t, err)
	r, err := redact.New(redact.WithDetectors(set))
	require.NoError(t, err)
	text, err := os.ReadFile(path)
	require.NoError(t, err)
	n := map[string]int{}
	for _, m := range r.Find(text) {
		n[m.Rule]++
	}
	return n
}

// TestScanDetectWithoutSource: hush scan with no secret source is a token
// scanner. Every token of the default set is found, by rule and confidence,
// in every format, and no output names a value; --detect selects the
// rules; --no-detect without a source is the usage error it always was.
func TestScanDetectWithoutSource(t *testing.T) {
	dir := t.TempDir()
	log, secrets, literal := tokenLog(t, dir)

	for _, tc := range []struct {
		name string
		args []string
		spec string // the same selection, for the library
	}{
		{"default", nil, "default"},
		{"bare --detect", []string{"--detect"}, "default"},
		{"default plus jwt minus aws", []string{"--detect=default,jwt,-aws-access-key-id"}, "default,jwt,-aws-access-key-id"},
		{"jwt alone", []string{"--detect=jwt"}, "jwt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"scan", "--format", "json"}, tc.args...)
			code, out, errs := runHush(t, nil, append(args, log)...)
			require.Equal(t, exitFound, code, "exit code; stderr: %s", errs)
			leaktest.Check(t, secrets, []byte(out+errs), "scan output")
			assert.Contains(t, errs, "no secret source: looking only for the tokens")
			found := map[string]int{}
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				var f struct {
					Name             string `json:"secret"`
					Rule, Confidence string
					Length           int
				}
				require.NoError(t, json.Unmarshal(sc.Bytes(), &f))
				r, ok := detect.Lookup(f.Rule)
				if !assert.True(t, ok, "finding of unknown rule %q", f.Rule) {
					continue
				}
				assert.True(t, must(detect.Parse(tc.spec)).Has(f.Rule), "rule %s reported, but not selected", f.Rule)
				assert.Equal(t, "detected:"+f.Rule, f.Name)
				assert.Contains(t, confidences, f.Confidence)
				assert.LessOrEqual(t, int(confidences[f.Confidence]), int(r.Confidence), "%s: confidence above the rule's best", f.Rule)
				assert.Positive(t, f.Length)
				found[f.Rule]++
			}
			// The command finds what the library finds in the whole
			// file, and at least every token that stands as itself.
			want := libraryFinds(t, log, tc.spec)
			assert.Equal(t, want, found, "findings by rule: the command and the library disagree")
			for rule, n := range literal {
				if must(detect.Parse(tc.spec)).Has(rule) {
					assert.GreaterOrEqual(t, found[rule], n, "findings of %s, where it stands as itself", rule)
				}
			}
		})
	}

	t.Run("text", func(t *testing.T) {
		code, out, errs := runHush(t, nil, "scan", log)
		require.Equal(t, exitFound, code, "exit code; stderr: %s", errs)
		leaktest.Check(t, secrets, []byte(out+errs), "scan output")
		assert.Contains(t, out, ": detected github-token, confidence checksum (raw)\n")
		assert.Contains(t, errs, "detected:github-token ")
	})

	t.Run("clean input", func(t *testing.T) {
		clean := filepath.Join(dir, "clean.log")
		require.NoError(t, os.WriteFile(clean, []byte("GET /health 200\nuser=alice action=login\n"), 0o644))
		code, _, errs := runHush(t, nil, "scan", clean)
		assert.Equal(t, exitOK, code, "exit code; stderr: %s", errs)
		assert.Contains(t, errs, "no secret found")
	})

	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"--no-detect", []string{"--no-detect"}, "no secret source"},
		{"--detect=none", []string{"--detect=none"}, "no secret source"},
		{"unknown rule", []string{"--detect=default,gihub-token"}, `"gihub-token"`},
		{"both", []string{"--detect", "--no-detect"}, "cannot be used together"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, cmd := range []string{"scan", "scrub"} {
				code, out, errs := runHush(t, nil, append(append([]string{cmd}, tc.args...), log)...)
				assert.Equal(t, exitUsage, code, "%s exit code", cmd)
				assert.Contains(t, errs, tc.msg, "%s", cmd)
				assert.Empty(t, out, "%s wrote output", cmd)
			}
		})
	}
}

// confidences maps a confidence's name to its level.
var confidences = map[string]detect.Confidence{
	detect.Prefix.String(): detect.Prefix, detect.Structure.String(): detect.Structure, detect.Checksum.String(): detect.Checksum,
}

// TestScanDetectSARIF: the SARIF report has one rule per detector in use,
// each with the rule's remediation in its help, and every detected result
// references its rule (id and index) with the confidence as a property;
// known secrets keep their own rule.
func TestScanDetectSARIF(t *testing.T) {
	dir := t.TempDir()
	log, secrets, _ := tokenLog(t, dir)
	// A known secret too, in the same file.
	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	fmt.Fprintf(f, "db password=%s\n", demoSecrets["prod/db/password"])
	require.NoError(t, f.Close())
	report := filepath.Join(dir, "hush.sarif")
	code, _, errs := runHush(t, nil, "scan", "--secrets-dir", secretsDir(t), "--detect=default,jwt", "--format", "sarif", "-o", report, log)
	require.Equal(t, exitFound, code, "exit code; stderr: %s", errs)
	raw, err := os.ReadFile(report)
	require.NoError(t, err)
	leaktest.Check(t, secrets, raw, "SARIF report")
	noLeak(t, "SARIF report", raw)

	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID   string
						Name string
						Help struct{ Text, Markdown string }
						Prop map[string]any `json:"properties"`
					}
				}
			}
			Results []struct {
				RuleID     string
				RuleIndex  int
				Properties map[string]string
			}
		}
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.Len(t, doc.Runs, 1)
	run := doc.Runs[0]
	want := must(detect.Parse("default,jwt")).Rules()
	require.Len(t, run.Tool.Driver.Rules, 1+len(want))
	assert.Equal(t, "hush/live-secret", run.Tool.Driver.Rules[0].ID)
	for i, r := range want {
		got := run.Tool.Driver.Rules[i+1]
		assert.Equal(t, "hush/detected/"+r.ID, got.ID)
		assert.NotEmpty(t, got.Name)
		assert.Contains(t, got.Help.Text, r.Remediation, "%s: help without the remediation", r.ID)
		assert.Contains(t, got.Help.Markdown, r.Remediation, "%s: markdown help without the remediation", r.ID)
		assert.Equal(t, r.Confidence.String(), got.Prop["confidence"], "%s: rule confidence", r.ID)
	}
	known, detected := 0, 0
	for _, res := range run.Results {
		require.GreaterOrEqual(t, res.RuleIndex, 0)
		require.Less(t, res.RuleIndex, len(run.Tool.Driver.Rules))
		assert.Equal(t, run.Tool.Driver.Rules[res.RuleIndex].ID, res.RuleID, "ruleIndex and ruleId disagree")
		if res.RuleIndex == 0 {
			known++
			continue
		}
		detected++
		assert.Equal(t, "hush/detected/"+res.Properties["rule"], res.RuleID)
		assert.Contains(t, confidences, res.Properties["confidence"])
	}
	assert.Equal(t, 1, known, "known-secret results")
	assert.Positive(t, detected, "detected results")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestScrubDetect: hush scrub without a source replaces every token of the
// default set and changes no other byte (checked on the contexts where the
// token stands as itself); with a source and --no-detect the tokens are
// left alone and only the known secret goes.
func TestScrubDetect(t *testing.T) {
	dir := t.TempDir()
	var in, want bytes.Buffer
	var secrets []redact.Secret
	for _, tok := range detecttest.New(6).All() {
		if !detect.Default().Has(tok.Rule) {
			continue
		}
		secrets = append(secrets, redact.Secret{Name: tok.Rule + "/" + tok.Variant, Value: tok.Secret()})
		for _, c := range detecttest.Contexts() {
			p := c.Wrap(tok)
			if !p.Literal {
				continue
			}
			in.WriteString(p.Text)
			want.WriteString(p.Text[:p.Start] + "[REDACTED:detected:" + tok.Rule + "]" + p.Text[p.End:])
		}
	}
	log := filepath.Join(dir, "app.log")
	require.NoError(t, os.WriteFile(log, in.Bytes(), 0o644))

	code, out, errs := runHush(t, nil, "scrub", log)
	require.Equal(t, exitOK, code, "exit code; stderr: %s", errs)
	leaktest.Check(t, secrets, []byte(out+errs), "scrub output")
	if out != want.String() {
		// Never print the output: it may hold a token.
		t.Errorf("scrubbed output differs from the expected one (%d bytes, want %d)", len(out), want.Len())
	}

	sdir := secretsDir(t)
	withSecret := filepath.Join(dir, "mixed.log")
	require.NoError(t, os.WriteFile(withSecret, append(in.Bytes(), "pw="+demoSecrets["prod/db/password"]+"\n"...), 0o644))
	code, out, errs = runHush(t, nil, "scrub", "--secrets-dir", sdir, "--no-detect", withSecret)
	require.Equal(t, exitOK, code, "exit code; stderr: %s", errs)
	noLeak(t, "scrub --no-detect", []byte(out))
	if out != in.String()+"pw=[REDACTED:prod/db/password]\n" {
		t.Errorf("--no-detect changed more than the known secret")
	}
}

// TestScrubDetectAcrossChunks: a token is redacted wherever the input is cut
// into chunks, a multi-line private key included: many keys and other
// tokens between lines of varying length, with the smallest chunk size and
// others, so that chunk boundaries fall at every kind of place inside
// them. The output is compared byte for byte with the input, each token
// replaced by its rule's replacement.
func TestScrubDetectAcrossChunks(t *testing.T) {
	dir := t.TempDir()
	g := detecttest.New(8)
	var in, want bytes.Buffer
	tokenCount := 0
	for i := 0; in.Len() < 2<<20; i++ {
		var line bytes.Buffer
		for j := range i % 97 {
			fmt.Fprintf(&line, "ts=%d level=info msg=\"served\" n=%d\n", i, j)
		}
		line.WriteString(strings.Repeat("x", i%61) + " key=")
		in.Write(line.Bytes())
		want.Write(line.Bytes())
		tok := g.Token([]string{"private-key", "github-token", "private-key", "url-password", "slack-token"}[i%5])
		in.WriteString(tok.Text + "\n")
		want.WriteString(tok.Text[:tok.Start] + "[REDACTED:detected:" + tok.Rule + "]" + tok.Text[tok.End:] + "\n")
		tokenCount++
	}
	log := filepath.Join(dir, "big.log")
	require.NoError(t, os.WriteFile(log, in.Bytes(), 0o644))
	for _, chunk := range []string{"4096", "65536", "1048576"} {
		code, out, errs := runHush(t, nil, "scrub", "--chunk-size", chunk, log)
		require.Equal(t, exitOK, code, "chunk %s: exit code; stderr: %s", chunk, errs)
		if out != want.String() {
			// Never print the output: it may hold a token.
			t.Errorf("chunk %s: the output is not the input with each token replaced (%d bytes, want %d; %d replacements, want %d)",
				chunk, len(out), want.Len(), strings.Count(out, "[REDACTED:detected:"), tokenCount)
		}
		code, _, errs = runHush(t, nil, "scan", "--chunk-size", chunk, "--format", "json", "-o", filepath.Join(dir, "f.json"), log)
		require.Equal(t, exitFound, code, "chunk %s: scan exit code; stderr: %s", chunk, errs)
		assert.Contains(t, errs, fmt.Sprintf(": %d findings in 1 file", tokenCount), "chunk %s: every token found once", chunk)
	}
}
