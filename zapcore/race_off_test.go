//go:build !race

package hushzap_test

const raceEnabled = false
