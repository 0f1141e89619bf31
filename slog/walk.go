package hushslog

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// An Any value is checked in one of three ways, decided once per type.
type valueClass uint8

const (
	// noText: numbers, booleans, times and aggregates of them; nothing a
	// handler prints from them can be a secret's text.
	noText valueClass = iota
	// plainData: strings, []byte and aggregates of them without methods
	// that change how they print; checked string by string by walking the
	// value with reflection, without allocating.
	plainData
	// rendered: the type (or a part of it) prints through its own method
	// (String, Error, Format, MarshalJSON, MarshalText); it is rendered as
	// the handlers would and checked.
	rendered
)

// typeInfo is what the walk needs to know about a type, computed once.
type typeInfo struct {
	class valueClass
	// fields are the indices of a struct's fields that may hold text;
	// fieldWays says how walk reads each (a string or a time in place,
	// without a call of walk for it).
	fields    []int
	fieldWays []fieldWay
	// keyText and elemText say whether a map's keys, or a map's, slice's
	// or array's elements, may hold text.
	keyText, elemText bool
}

// fieldWay is how walk reads a struct's field.
type fieldWay uint8

const (
	walkField   fieldWay = iota // walk it
	stringField                 // a string (of any string type): check it
	timeField                   // a time.Time: check its zone (systemZone)
)

var _types sync.Map // reflect.Type -> *typeInfo

var (
	timeType          = reflect.TypeFor[time.Time]()
	errorType         = reflect.TypeFor[error]()
	stringerType      = reflect.TypeFor[fmt.Stringer]()
	formatterType     = reflect.TypeFor[fmt.Formatter]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// _typeSlots answers infoOf for the first types met without _types'
// hashing of the interface (a quarter of the middleware's cost on plain
// data): a slot, picked by the address of the type's descriptor, holds that
// address and its answer (a type's descriptor is never moved or freed).
var _typeSlots [typeSlots]atomic.Pointer[typeSlot]

type typeSlot struct {
	key uintptr
	ti  *typeInfo
}

const typeSlotBits, typeSlots = 8, 1 << 8

// typeKey is the address of t's descriptor: a reflect.Type holds a
// *reflect.rtype, the second word of the interface value.
func typeKey(t reflect.Type) uintptr {
	return (*[2]uintptr)(unsafe.Pointer(&t))[1]
}

func infoOf(t reflect.Type) *typeInfo {
	key := typeKey(t)
	slot := &_typeSlots[(uint64(key)*0x9E3779B97F4A7C15)>>(64-typeSlotBits)]
	if e := slot.Load(); e != nil && e.key == key {
		return e.ti
	}
	ti := infoOfSlow(t)
	if slot.Load() == nil {
		// Filled once: two types that pick one slot do not take turns
		// in it (each turn would allocate); the second is answered by
		// _types.
		slot.CompareAndSwap(nil, &typeSlot{key: key, ti: ti})
	}
	return ti
}

func infoOfSlow(t reflect.Type) *typeInfo {
	if ti, ok := _types.Load(t); ok {
		return ti.(*typeInfo)
	}
	// Only the top-level answer is stored: answers inside a recursive
	// type are partial while the recursion is open.
	open := map[reflect.Type]bool{}
	ti := &typeInfo{class: classify(t, open)}
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			ft := t.Field(i).Type
			if classify(ft, open) != noText {
				ti.fields = append(ti.fields, i)
				way := walkField
				switch {
				case ft == timeType:
					way = timeField
				case ft.Kind() == reflect.String:
					way = stringField
				}
				ti.fieldWays = append(ti.fieldWays, way)
			}
		}
	case reflect.Map:
		ti.keyText = classify(t.Key(), open) != noText
		fallthrough
	case reflect.Slice, reflect.Array:
		ti.elemText = classify(t.Elem(), open) != noText
	}
	_types.Store(t, ti)
	return ti
}

func classOf(t reflect.Type) valueClass { return infoOf(t).class }

func classify(t reflect.Type, open map[reflect.Type]bool) valueClass {
	if t == timeType {
		// fmt prints a time with its zone's name, which walk checks.
		return plainData
	}
	if open[t] {
		return noText // the rest of the cycle decides
	}
	if hasRendering(t) {
		return rendered
	}
	open[t] = true
	defer delete(open, t)
	switch t.Kind() {
	case reflect.String, reflect.Interface:
		return plainData
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !hasRendering(t.Elem()) {
			return plainData
		}
		return classify(t.Elem(), open)
	case reflect.Array, reflect.Pointer:
		return classify(t.Elem(), open)
	case reflect.Map:
		return max(classify(t.Key(), open), classify(t.Elem(), open))
	case reflect.Struct:
		c := noText
		for i := range t.NumField() {
			c = max(c, classify(t.Field(i).Type, open))
		}
		return c
	}
	return noText
}

func hasRendering(t reflect.Type) bool {
	for _, it := range []reflect.Type{errorType, stringerType, formatterType, jsonMarshalerType, textMarshalerType} {
		if t.Implements(it) {
			return true
		}
		if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && reflect.PointerTo(t).Implements(it) {
			return true
		}
	}
	return false
}

// maxWalkDepth bounds the walk of pointer chains and nesting; deeper values
// are rendered instead.
const maxWalkDepth = 32

// valueDirty reports whether a non-error Any value must be replaced by its
// scrubbed renderings: it holds a secret, or it renders itself (somewhere
// inside), in which case it is rendered once and what was checked is what
// is written.
func (s *scrubber) valueDirty(x any) bool {
	v := reflect.ValueOf(x)
	switch classOf(v.Type()) {
	case noText:
		return false
	case plainData:
		dirty, render := s.walk(v, 0)
		return dirty || render
	}
	return true
}

// walk checks every string and []byte in v. It reports render when it met
// something it cannot check in place (a value with its own rendering, or
// nesting deeper than maxWalkDepth); the caller then renders the whole
// value.
func (s *scrubber) walk(v reflect.Value, depth int) (dirty, render bool) {
	if depth > maxWalkDepth {
		return false, true
	}
	switch v.Kind() {
	case reflect.String:
		return s.containsString(v.String()), false
	case reflect.Slice:
		if v.Type().Elem() == timeType {
			// A slice of times: their locations read in place.
			return false, !systemZones(v)
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			// As bytes, and as the base64 a JSON handler writes.
			return s.bytesDirty(v.Bytes()), false
		}
		fallthrough
	case reflect.Array:
		if !infoOf(v.Type()).elemText {
			return false, false
		}
		if v.Type().Elem().Kind() == reflect.String {
			// Strings (of any string type), checked in place.
			for i := range v.Len() {
				if s.containsString(v.Index(i).String()) {
					return true, false
				}
			}
		} else {
			for i := range v.Len() {
				if d, r := s.walk(v.Index(i), depth+1); d || r {
					return d, r
				}
			}
		}
		if v.Len() > 1 && textKind(v.Type().Elem()) {
			return s.joinDirty(v), false
		}
	case reflect.Struct:
		if v.Type() == timeType {
			// fmt prints a time with its zone's name (time.Time.String):
			// UTC's and the local zone's come from the system; any other
			// location's name (a FixedZone's) is the program's text, so
			// the value is rendered and checked.
			return false, !systemZone(v)
		}
		ti := infoOf(v.Type())
		for j, i := range ti.fields {
			f := v.Field(i)
			switch ti.fieldWays[j] {
			case stringField:
				if s.containsString(f.String()) {
					return true, false
				}
				continue
			case timeField:
				if !systemZone(f) {
					return false, true
				}
				continue
			}
			if d, r := s.walk(f, depth+1); d || r {
				return d, r
			}
		}
	case reflect.Pointer:
		if v.IsNil() {
			return false, false
		}
		return s.walk(v.Elem(), depth+1)
	case reflect.Interface:
		if v.IsNil() {
			return false, false
		}
		e := v.Elem()
		switch classOf(e.Type()) {
		case noText:
			return false, false
		case plainData:
			return s.walk(e, depth+1)
		}
		// A value that renders itself is rendered once by the rewrite.
		return false, true
	case reflect.Map:
		return s.walkMap(v, depth)
	}
	return false, false
}

// walkMap is walk for a map. It is a function of its own for its deferred
// putBuffer: a defer in walk, with its many returns, would not be
// open-coded, and every call of walk would pay for it.
func (s *scrubber) walkMap(v reflect.Value, depth int) (dirty, render bool) {
	ti := infoOf(v.Type())
	keys, elems := ti.keyText, ti.elemText
	if !keys && !elems {
		return false, false
	}
	// fmt prints each entry as "key:value": see joinDirty.
	var joined *bytes.Buffer
	if textKind(v.Type().Key()) && textKind(v.Type().Elem()) {
		joined = getBuffer()
		defer putBuffer(joined)
	}
	var it reflect.MapIter
	it.Reset(v)
	for it.Next() {
		var k, e reflect.Value
		if keys || joined != nil {
			k = it.Key()
		}
		if elems || joined != nil {
			e = it.Value()
		}
		if keys {
			if d, r := s.walk(k, depth+1); d || r {
				return d, r
			}
		}
		if elems {
			if d, r := s.walk(e, depth+1); d || r {
				return d, r
			}
		}
		if joined != nil {
			ks, ok1 := textOf(k)
			es, ok2 := textOf(e)
			if !ok1 || !ok2 {
				joined.WriteByte(0)
				continue
			}
			if joined.Len() > 0 {
				joined.WriteByte(' ')
			}
			joined.WriteString(ks)
			joined.WriteByte(':')
			joined.WriteString(es)
		}
	}
	if joined != nil {
		return s.containsBytes(joined.Bytes()), false
	}
	return false, false
}

// cyclicNote is the text rendering of a value that holds itself.
const cyclicNote = "!ERROR:hushslog: value holds itself"

// maxFmtDepth bounds fmtLoops: a value nested deeper is treated as one
// that holds itself.
const maxFmtDepth = 1000

// fmtLoops reports whether printing v with "%+v" would recurse forever: a
// map or slice that holds itself (through an interface) on the path fmt
// takes. fmt follows maps, slices, arrays, structs and interfaces, and a
// pointer only at the top (deeper ones it prints as addresses), so pointer
// cycles are harmless to it. A value fmt would print through its own
// method is still walked: a loop reported there only replaces the
// rendering by a note. path holds the maps and slices being printed.
func fmtLoops(v reflect.Value, depth int, path []uintptr) bool {
	if depth > maxFmtDepth {
		return true
	}
	switch v.Kind() {
	case reflect.Interface:
		return !v.IsNil() && fmtLoops(v.Elem(), depth+1, path)
	case reflect.Pointer:
		if depth > 0 || v.IsNil() {
			return false
		}
		switch v.Elem().Kind() {
		case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
			return fmtLoops(v.Elem(), depth+1, path)
		}
	case reflect.Map:
		if v.Len() == 0 || !mayHold(v.Type().Key()) && !mayHold(v.Type().Elem()) {
			return false
		}
		p := v.Pointer()
		if slices.Contains(path, p) {
			return true
		}
		path = append(path, p)
		var it reflect.MapIter
		it.Reset(v)
		for it.Next() {
			if fmtLoops(it.Key(), depth+1, path) || fmtLoops(it.Value(), depth+1, path) {
				return true
			}
		}
	case reflect.Slice:
		if v.Len() == 0 || !mayHold(v.Type().Elem()) {
			return false
		}
		p := v.Pointer()
		if slices.Contains(path, p) {
			return true
		}
		path = append(path, p)
		fallthrough
	case reflect.Array:
		if !mayHold(v.Type().Elem()) {
			return false
		}
		for i := range v.Len() {
			if fmtLoops(v.Index(i), depth+1, path) {
				return true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if fmtLoops(v.Field(i), depth+1, path) {
				return true
			}
		}
	}
	return false
}

// mayHold reports whether a value of type t, below the top of a value fmt
// prints, may lead fmt further down (and so, possibly, back to a map or
// slice it is printing): basic values and pointers (printed as addresses
// there) do not.
func mayHold(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface, reflect.Map, reflect.Slice, reflect.Array, reflect.Struct:
		return true
	}
	return false
}

// timeLoc is the index of time.Time's location field, or -1 when
// time.Time is not laid out as systemZone expects.
var timeLoc = func() int {
	if f, ok := timeType.FieldByName("loc"); ok && len(f.Index) == 1 && f.Type == reflect.TypeFor[*time.Location]() {
		return f.Index[0]
	}
	return -1
}()

// timeLocOffset is the offset of time.Time's location field.
var timeLocOffset = func() uintptr {
	if timeLoc < 0 {
		return 0
	}
	return timeType.Field(timeLoc).Offset
}()

// systemZone reports whether v, a time.Time, is in UTC or in the local
// zone. It reads the location pointer without copying the value out
// (which would allocate).
func systemZone(v reflect.Value) bool {
	if timeLoc < 0 {
		return false
	}
	p := v.Field(timeLoc).Pointer()
	return p == 0 || p == uintptr(unsafe.Pointer(time.UTC)) || p == uintptr(unsafe.Pointer(time.Local))
}

// systemZones is systemZone for each time of v, a []time.Time, read in
// place: a slice of times costs a pass over their location pointers.
func systemZones(v reflect.Value) bool {
	if timeLoc < 0 {
		return false
	}
	n := v.Len()
	if n == 0 {
		return true
	}
	base := v.UnsafePointer()
	size, off := timeType.Size(), timeLocOffset
	utc, local := unsafe.Pointer(time.UTC), unsafe.Pointer(time.Local)
	for i := range uintptr(n) {
		p := *(*unsafe.Pointer)(unsafe.Add(base, i*size+off))
		if p != nil && p != utc && p != local {
			return false
		}
	}
	return true
}

// textKind reports whether values of type t may be strings fmt prints as
// they are, next to their neighbours: strings, and interfaces (which may
// hold one).
func textKind(t reflect.Type) bool {
	k := t.Kind()
	return k == reflect.String || k == reflect.Interface
}

// joinDirty reports whether the strings of v, a slice or array of strings
// (or of interfaces), hold a secret joined as fmt prints them with "%+v"
// (slog's text handler prints an Any value so, and so does a ReplaceAttr
// that formats values): elements separated by a space ("[correct horse
// battery staple]" is a passphrase split into words). walk checks a map's
// entries joined as fmt prints them, "key:value" ("map[admin:hunter2]" is
// a user:password pair), as it goes. Each string alone was found clean;
// this is one more check of the joined text, built in pooled scratch. (fmt
// prints a map's entries in key order; they are joined in iteration order,
// so a secret across two entries may be missed. An element that is not a
// string is left out and ends the run of joined text.)
func (s *scrubber) joinDirty(v reflect.Value) bool {
	buf := getBuffer()
	defer putBuffer(buf)
	for i := range v.Len() {
		e, ok := textOf(v.Index(i))
		if !ok {
			buf.WriteByte(0)
			continue
		}
		if buf.Len() > 0 {
			buf.WriteByte(' ')
		}
		buf.WriteString(e)
	}
	return s.containsBytes(buf.Bytes())
}

// textOf returns the string v is or holds.
func textOf(v reflect.Value) (string, bool) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.String {
		return "", false
	}
	return v.String(), true
}
