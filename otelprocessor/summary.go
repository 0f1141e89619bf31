package hushprocessor

import (
	"sort"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/hushlog/hush/redact"
)

// The summary attributes, named as redactionprocessor names them so that
// dashboards and downstream processors read both alike.
const (
	attrRedactedKeys      = "redaction.redacted.keys"
	attrRedactedCount     = "redaction.redacted.count"
	attrMaskedKeys        = "redaction.masked.keys"
	attrMaskedCount       = "redaction.masked.count"
	attrAllowedKeys       = "redaction.allowed.keys"
	attrAllowedCount      = "redaction.allowed.count"
	attrIgnoredCount      = "redaction.ignored.count"
	attrBodyRedactedKeys  = "redaction.body.redacted.keys"
	attrBodyRedactedCount = "redaction.body.redacted.count"
	attrBodyMaskedKeys    = "redaction.body.masked.keys"
	attrBodyMaskedCount   = "redaction.body.masked.count"
	attrBodyAllowedKeys   = "redaction.body.allowed.keys"
	attrBodyAllowedCount  = "redaction.body.allowed.count"
	attrBodyIgnoredCount  = "redaction.body.ignored.count"

	summarySeparator = ","
)

// summaryAttrs is every attribute the processor writes about its own work.
// In attribute maps they are exempt from the rules (they are bookkeeping,
// not user data) so that the summary survives, and accumulates, through a
// chain of redaction processors.
var summaryAttrs = map[string]struct{}{
	attrRedactedKeys: {}, attrRedactedCount: {}, attrMaskedKeys: {}, attrMaskedCount: {},
	attrAllowedKeys: {}, attrAllowedCount: {}, attrIgnoredCount: {},
	attrBodyRedactedKeys: {}, attrBodyRedactedCount: {}, attrBodyMaskedKeys: {}, attrBodyMaskedCount: {},
	attrBodyAllowedKeys: {}, attrBodyAllowedCount: {}, attrBodyIgnoredCount: {},
}

func isSummaryAttr(k string) bool {
	_, ok := summaryAttrs[k]
	return ok
}

// summaryNames are the attribute names one report is written under: the
// plain ones for an attribute map, the body ones for a log body.
type summaryNames struct {
	redactedKeys, redactedCount, maskedKeys, maskedCount, allowedKeys, allowedCount, ignoredCount string
}

var (
	attrSummaryNames = summaryNames{attrRedactedKeys, attrRedactedCount, attrMaskedKeys, attrMaskedCount,
		attrAllowedKeys, attrAllowedCount, attrIgnoredCount}
	bodySummaryNames = summaryNames{attrBodyRedactedKeys, attrBodyRedactedCount, attrBodyMaskedKeys, attrBodyMaskedCount,
		attrBodyAllowedKeys, attrBodyAllowedCount, attrBodyIgnoredCount}
)

// report collects what one pass over an attribute map or a log body did.
// Key names are kept only at debug level; counts always.
type report struct {
	level SummaryLevel
	// r scrubs the key lists as written: each key in them is scrubbed,
	// but keys joined (a body path "a.b", a list "a,b", merged with an
	// upstream list) can make a secret none of them holds.
	r                                   *redact.Redactor
	redacted, masked, allowed, ignored  int64
	redactedKeys, maskedKeys, allowKeys []string
}

func (r *report) addRedacted(k string) {
	r.redacted++
	if r.level == SummaryDebug {
		r.redactedKeys = append(r.redactedKeys, k)
	}
}

func (r *report) addMasked(k string) {
	r.masked++
	if r.level == SummaryDebug {
		r.maskedKeys = append(r.maskedKeys, k)
	}
}

func (r *report) addAllowed(k string) {
	r.allowed++
	if r.level == SummaryDebug {
		r.allowKeys = append(r.allowKeys, k)
	}
}

func (r *report) addIgnored() { r.ignored++ }

// write records the report in attrs under names. Removing a key and masking
// a value are events a later pass cannot see again, so they add to what an
// upstream processor recorded; allowing and ignoring describe the record as
// it stands, so they replace it (and a pass that allowed nothing clears the
// upstream value). These are redactionprocessor's semantics.
func (r *report) write(attrs pcommon.Map, n summaryNames) {
	if r.level != SummaryInfo && r.level != SummaryDebug {
		return
	}
	r.writeOne(attrs, r.redactedKeys, r.redacted, n.redactedKeys, n.redactedCount, true)
	r.writeOne(attrs, r.maskedKeys, r.masked, n.maskedKeys, n.maskedCount, true)
	r.writeOne(attrs, r.allowKeys, r.allowed, n.allowedKeys, n.allowedCount, false)
	r.writeOne(attrs, nil, r.ignored, "", n.ignoredCount, false)
}

func (r *report) writeOne(attrs pcommon.Map, keys []string, count int64, keysAttr, countAttr string, accumulate bool) {
	if count == 0 {
		if !accumulate {
			if keysAttr != "" {
				attrs.Remove(keysAttr)
			}
			attrs.Remove(countAttr)
		}
		return
	}
	if r.level == SummaryDebug && keysAttr != "" {
		if accumulate {
			if v, ok := attrs.Get(keysAttr); ok && v.Str() != "" {
				keys = append(keys, strings.Split(v.Str(), summarySeparator)...)
			}
		}
		sort.Strings(keys)
		joined := strings.Join(keys, summarySeparator)
		if r.r != nil {
			joined = r.r.ScrubValueString(joined)
		}
		attrs.PutStr(keysAttr, joined)
	}
	if accumulate {
		if v, ok := attrs.Get(countAttr); ok {
			count += v.Int()
		}
	}
	attrs.PutInt(countAttr, count)
}
