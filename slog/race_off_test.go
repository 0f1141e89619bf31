//go:build !race

package hushslog_test

const raceEnabled = false
