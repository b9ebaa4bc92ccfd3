package spf

// WithTree gives Check and CheckIPs a tree already prefetched (by Prefetch)
// for the domain they check, so that it is not built again: an
// investigation of a domain and the re-check of a message from it then
// evaluate against the very same tree. It is ignored when the domain
// checked is another one, or with WithRecord.
func WithTree(t *Tree) Option {
	return func(c *config) { c.tree = t }
}
