package detectcompare

import (
	"sync"
	"testing"

	"github.com/hushlog/hush/detect/detecttest"
	"github.com/hushlog/hush/internal/benchcorpus"
)

// corpusEnv names the corpus directory's variable.
const corpusEnv = benchcorpus.Env

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
		c, err := benchcorpus.Load(func() []byte { return detecttest.New(2026).CleanLog(4 << 20) })
		theCorpus, corpusErr = corpus{text: c.Text, lines: c.Lines, source: c.Source}, err
	})
	if corpusErr != nil {
		tb.Fatal(corpusErr)
	}
	return theCorpus
}
