// Package detectcompare measures hush's token detectors (package detect) on
// log text: their cost on top of 10,000 known secrets, their speed against
// gitleaks' detector used as a library (github.com/zricethezav/gitleaks/v8,
// what Grafana Alloy's loki.secretfilter embeds) on the same text and the
// same token families, their false positives on a real log corpus, and
// gitleaks' recall on the tokens package detecttest generates.
//
// It is a module of its own so that gitleaks and its dependencies stay out
// of hush's. run.sh runs everything and writes results/; README.md has the
// numbers. The corpus is $HUSH_CORPUS (a directory of *.log files, the loghub
// sample logs in the published results); unset, generated log text.
package detectcompare
