package hushprocessor

import (
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// attrs processes one attribute map: known secrets out of every value and
// key, then the key and value rules, then the summary. Without rules or
// summary it is a plain scrub of the map.
func (ps *pass) attrs(m pcommon.Map) {
	if !ps.p.full {
		ps.scrubMap(m)
		return
	}
	rep := report{level: ps.p.summary, r: ps.r}
	summaryOn := rep.level == SummaryInfo || rep.level == SummaryDebug
	var remove, renames []string
	for k, v := range m.All() {
		switch del, rename := ps.ruleAttr(k, v, &rep, summaryOn); {
		case del:
			remove = append(remove, k)
		case rename:
			renames = append(renames, k)
		}
	}
	removeKeys(m, remove)
	if len(renames) > 0 {
		ps.renameKeys(m, renames)
	}
	rep.write(m, attrSummaryNames)
}

// ruleAttr processes one attribute, whose key is k: known secrets out of
// its value, then the key and value rules, reported in rep. It reports
// whether the attribute is to be removed (the allow list) and whether its
// key holds a secret (the caller renames it).
func (ps *pass) ruleAttr(k string, v pcommon.Value, rep *report, summaryOn bool) (remove, rename bool) {
	rl := ps.p.rules
	if isSummaryAttr(k) {
		// The summary of an upstream pass is bookkeeping: left alone
		// (and merged into) while the summary is on; subject to the
		// allow list like any other key when it is off, so a strict
		// egress processor can strip an audit trail.
		if !summaryOn && rl.removeKey(k) {
			rep.addRedacted(k)
			return true, false
		}
		// An upstream summary may name a key that held a secret.
		ps.scrubValue(v)
		return false, false
	}
	if rl.ignoreKey(k) {
		name := k
		if ps.keyHasSecret(k) {
			rename = true
			name = ps.keyName(k)
		}
		rep.addIgnored()
		if ps.scrubValue(v) {
			rep.addMasked(name)
		}
		return false, rename
	}
	if rl.removeKey(k) {
		rep.addRedacted(ps.keyName(k))
		return true, false
	}
	name := k
	if ps.keyHasSecret(k) {
		rename = true
		name = ps.keyName(k)
	}
	ps.ruleValue(k, name, v, rep, ps.p.redactAllTypes, true)
	return false, rename
}

// keyName is k, or k scrubbed when it holds a secret, for the summary.
func (ps *pass) keyName(k string) string {
	if ps.p.summary != SummaryDebug {
		return k
	}
	return ps.r.ScrubValueString(k)
}

// ruleValue applies known secrets and the value rules to the value of an
// attribute (or a log body leaf) whose key is k, reporting under name.
// asString selects the string form the rules see for non-string values;
// keyRules whether blocked_key_patterns apply here (log body leaves have
// them applied by their map already).
func (ps *pass) ruleValue(k, name string, v pcommon.Value, rep *report, asString, keyRules bool) {
	rl := ps.p.rules
	str := ruleString(v, asString)
	if rl.allowValue(str) {
		rep.addAllowed(name)
		if ps.scrubValue(v) {
			rep.addMasked(name)
		}
		return
	}
	if keyRules && rl.maskKey(k) {
		// Known secrets go first: the rule then masks (or hashes) the
		// scrubbed value, so a hash_function never outputs a plain hash of
		// a known secret, which would identify it.
		ps.scrubValue(v)
		v.SetStr(rl.maskWhole(ruleString(v, asString)))
		rep.addMasked(name)
		return
	}
	changed := ps.scrubValue(v)
	if rl.hasValueRules() && (asString || v.Type() == pcommon.ValueTypeStr) {
		s := ruleString(v, asString)
		if out := rl.blockValues(s); out != s {
			v.SetStr(out)
			changed = true
		}
	}
	if changed {
		rep.addMasked(name)
	}
}

// ruleString is the text the value rules see: the string itself, or, for
// other types, their string form when asString is set and "" otherwise
// (redactionprocessor's redact_all_types).
func ruleString(v pcommon.Value, asString bool) string {
	if v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	if asString {
		return v.AsString()
	}
	return ""
}

// body processes a log record's body: known secrets anywhere in it, then,
// for maps at any depth, the key rules, and for leaves the value rules; the
// summary goes to the record's attributes under the redaction.body.* names.
func (ps *pass) body(lr plog.LogRecord) {
	b := lr.Body()
	if !ps.p.full {
		ps.scrubValue(b)
		return
	}
	rep := report{level: ps.p.summary, r: ps.r}
	switch b.Type() {
	case pcommon.ValueTypeMap:
		ps.bodyMap("", b.Map(), &rep)
	case pcommon.ValueTypeSlice:
		s := b.Slice()
		for i := 0; i < s.Len(); i++ {
			ps.bodyValue(ps.indexPath("", i), s.At(i), &rep)
		}
	default:
		ps.ruleValue("", "body", b, &rep, true, false)
	}
	rep.write(lr.Attributes(), bodySummaryNames)
}

func (ps *pass) bodyMap(prefix string, m pcommon.Map, rep *report) {
	rl := ps.p.rules
	var remove, renames []string
	for k, v := range m.All() {
		if rl.ignoreKey(k) {
			rep.addIgnored()
			if ps.scrubValue(v) {
				rep.addMasked(ps.keyPath(prefix, k))
			}
			if ps.keyHasSecret(k) {
				renames = append(renames, k)
			}
			continue
		}
		if rl.removeKey(k) {
			remove = append(remove, k)
			rep.addRedacted(ps.keyPath(prefix, k))
			continue
		}
		if ps.keyHasSecret(k) {
			renames = append(renames, k)
		}
		path := ps.keyPath(prefix, k)
		if rl.maskKey(k) {
			ps.scrubValue(v) // known secrets first, as in ruleValue
			v.SetStr(rl.maskWhole(v.Str()))
			rep.addMasked(path)
			continue
		}
		ps.bodyValue(path, v, rep)
	}
	removeKeys(m, remove)
	if len(renames) > 0 {
		ps.renameKeys(m, renames)
	}
}

func (ps *pass) bodyValue(path string, v pcommon.Value, rep *report) {
	switch v.Type() {
	case pcommon.ValueTypeMap:
		ps.bodyMap(path, v.Map(), rep)
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		for i := 0; i < s.Len(); i++ {
			ps.bodyValue(ps.indexPath(path, i), s.At(i), rep)
		}
	default:
		ps.ruleValue("", path, v, rep, true, false)
	}
}

// keyPath is the dotted path of a body key as redactionprocessor reports
// it ("a.b"), with any secret in a key scrubbed. Paths are only built when
// the summary lists keys.
func (ps *pass) keyPath(prefix, k string) string {
	if ps.p.summary != SummaryDebug {
		return ""
	}
	k = ps.r.ScrubValueString(k)
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// indexPath is the path of a slice element: "[i]" at the top, "a.[i]" below.
func (ps *pass) indexPath(prefix string, i int) string {
	if ps.p.summary != SummaryDebug {
		return ""
	}
	if prefix == "" {
		return "[" + strconv.Itoa(i) + "]"
	}
	return prefix + ".[" + strconv.Itoa(i) + "]"
}
