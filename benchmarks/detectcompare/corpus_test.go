package detectcompare

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/hushlog/hush/detect/detecttest"
)

const corpusEnv = "HUSH_CORPUS"

type corpus struct {
	text   []byte
	lines  [][]byte // text split after each '\n'
	source string
}

var (
	corpusOnce sync.Once
	theCorpus  corpus
	corpusErr  error
)

// loadCorpus returns the concatenated *.log files of $HUSH_CORPUS, or 4 MiB
// of generated log text (detecttest's clean log, full of near misses) when
// it is unset. A set $HUSH_CORPUS without *.log text fails.
func loadCorpus(tb testing.TB) corpus {
	tb.Helper()
	corpusOnce.Do(func() {
		dir := os.Getenv(corpusEnv)
		if dir == "" {
			theCorpus = corpus{text: detecttest.New(2026).CleanLog(4 << 20), source: "generated log text ($" + corpusEnv + " not set)"}
		} else {
			names, err := filepath.Glob(filepath.Join(dir, "*.log"))
			if err != nil {
				corpusErr = err
				return
			}
			slices.Sort(names)
			var text []byte
			for _, n := range names {
				b, err := os.ReadFile(n)
				if err != nil {
					corpusErr = err
					return
				}
				text = append(text, b...)
				if len(b) > 0 && b[len(b)-1] != '\n' {
					text = append(text, '\n')
				}
			}
			if len(text) == 0 {
				corpusErr = fmt.Errorf("%s=%s: no *.log file with any text", corpusEnv, dir)
				return
			}
			theCorpus = corpus{text: text, source: fmt.Sprintf("%d log files from $%s", len(names), corpusEnv)}
		}
		for rest := theCorpus.text; len(rest) > 0; {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				i = len(rest) - 1
			}
			theCorpus.lines = append(theCorpus.lines, rest[:i+1])
			rest = rest[i+1:]
		}
	})
	if corpusErr != nil {
		tb.Fatal(corpusErr)
	}
	return theCorpus
}
