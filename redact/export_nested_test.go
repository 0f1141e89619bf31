package redact

// SetPortableScan makes the scan take the portable way instead of the block
// pass (for the external tests of nested_test.go); it returns a function
// that restores the default.
func SetPortableScan(on bool) (restore func()) {
	forceNoBlocks = on
	return func() { forceNoBlocks = false }
}
