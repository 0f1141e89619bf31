package hushslog

import (
	"reflect"
	"testing"
	"time"
)

// typeKey reads the address of a type's descriptor out of the interface
// value: it must be the address reflect gives for it, for every kind of
// type, and infoOf must give infoOfSlow's answer for more types than it
// has slots (some share one).
func TestTypeSlots(t *testing.T) {
	type pair struct{ A, B string }
	types := []reflect.Type{
		reflect.TypeFor[string](), reflect.TypeFor[int](), reflect.TypeFor[[]string](),
		reflect.TypeFor[map[string]any](), reflect.TypeFor[*pair](), reflect.TypeFor[pair](),
		reflect.TypeFor[time.Time](), reflect.TypeFor[[]time.Time](), reflect.TypeFor[error](),
		reflect.TypeFor[[3]pair](), reflect.TypeFor[chan int](), reflect.TypeFor[func()](),
	}
	for i := range 3 * typeSlots {
		types = append(types, reflect.ArrayOf(i+1, reflect.TypeFor[pair]()))
	}
	for round := range 2 {
		for i, ty := range types {
			if got, want := typeKey(ty), uintptr(reflect.ValueOf(ty).UnsafePointer()); got != want {
				t.Fatalf("type %d (%s): key %#x, descriptor at %#x", i, ty, got, want)
			}
			if got, want := infoOf(ty), infoOfSlow(ty); got != want {
				t.Fatalf("round %d, type %d (%s): infoOf differs from infoOfSlow", round, i, ty)
			}
		}
	}
}
