package diag

import "github.com/mxray/mxray/diag/render"

// spfDoc draws the SPF part: the record, the worst-case counts and the tree.
func (r *Report) spfDoc(d *render.Doc) { r.SPF.Doc(d) }
