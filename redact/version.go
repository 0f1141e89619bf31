package redact

// Version identifies the secret set a Redactor scrubs with at one moment:
// the set (and its index) that Set, Add or a background merge published
// last. Two Versions of one Redactor are equal exactly when no set was
// published between the two calls that returned them. Every check of the
// Redactor is a function of its Version and its input, so a front end may
// remember that a string it writes again and again (a key, a constant
// value) holds no secret, for as long as Version stays equal to the one
// read before that check.
//
// A Version keeps its secret set in memory while it is held: keep only the
// latest one.
type Version struct{ s *snapshot }

// Version returns the Redactor's current Version. It costs one atomic load.
func (r *Redactor) Version() Version { return Version{r.cur.Load()} }
