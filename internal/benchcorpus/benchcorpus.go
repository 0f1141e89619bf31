// Package benchcorpus reads the benchmark corpus: the *.log files of the
// directory $HUSH_CORPUS names (the loghub sample logs in the published
// results). Benchmarks fall back to generated log text when it is unset;
// tests never need it.
package benchcorpus

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Env is the environment variable that names the corpus directory.
const Env = "HUSH_CORPUS"

// Corpus is the text a benchmark scans and where it came from.
type Corpus struct {
	Text   []byte
	Lines  [][]byte // Text split after each '\n'
	Source string
}

// Load returns the corpus $HUSH_CORPUS names or, when it is unset,
// generate's text. A set $HUSH_CORPUS without readable *.log text is an
// error: a benchmark must not quietly measure something else.
func Load(generate func() []byte) (Corpus, error) {
	dir := os.Getenv(Env)
	if dir == "" {
		t := generate()
		return Corpus{Text: t, Lines: SplitLines(t), Source: "generated log text ($" + Env + " not set)"}, nil
	}
	text, n, err := ReadLogs(dir)
	switch {
	case err != nil:
		return Corpus{}, fmt.Errorf("%s=%s: %w", Env, dir, err)
	case len(text) == 0:
		return Corpus{}, fmt.Errorf("%s=%s: no *.log file with any text", Env, dir)
	}
	return Corpus{Text: text, Lines: SplitLines(text), Source: fmt.Sprintf("%d log files from $%s", n, Env)}, nil
}

// ReadLogs concatenates the *.log files of dir in name order, each ending
// in a newline, and returns how many there were.
func ReadLogs(dir string) ([]byte, int, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		return nil, 0, err
	}
	slices.Sort(names)
	var out []byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, 0, fmt.Errorf("read corpus: %w", err)
		}
		out = append(out, b...)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			out = append(out, '\n')
		}
	}
	return out, len(names), nil
}

// SplitLines splits text after each '\n'; a last line without one is kept.
func SplitLines(text []byte) [][]byte {
	var lines [][]byte
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i+1])
		text = text[i+1:]
	}
	return lines
}
