package dmarcreport

// Limits bound what one input file may cost. The zero value of a field
// means its default (DefaultLimits).
type Limits struct {
	// MaxDecompressed caps the bytes produced by decompressing one input
	// file, over all its members. A report of a million rows is about
	// 650 MB of XML.
	MaxDecompressed int64
	// MaxRatio caps decompressed:compressed for one gzip stream or zip
	// member, checked once it has produced RatioFloor bytes. Real reports
	// compress 10–60:1; deflate cannot pass about 1032:1.
	MaxRatio int64
	// RatioFloor is the output size below which the ratio is not checked:
	// small, repetitive reports compress well and are harmless.
	RatioFloor int64
	// MaxBuffered caps a zip archive that must be held in memory because
	// it did not come from a seekable file (a zip inside a message).
	MaxBuffered int64
	// MaxMembers caps the members of one zip archive and the parts of one
	// message.
	MaxMembers int
	// MaxMessages caps the messages of one mbox file.
	MaxMessages int
	// MaxNesting caps containers inside containers (a zip in a message in
	// an mbox is 3).
	MaxNesting int
	// MaxXMLDepth caps element nesting in a report.
	MaxXMLDepth int
	// MaxToken caps the size of one element's text, one attribute value,
	// one comment or processing instruction; a start tag may hold four
	// times as much with its attributes.
	MaxToken int
	// MaxRowCount caps the count of one row: a larger count is a lie, not
	// data.
	MaxRowCount int64
	// MaxSources caps the distinct (domain, IP) sources kept; rows of
	// further sources are counted under one overflow source.
	MaxSources int
	// MaxNames caps the distinct header_from, envelope_from and DKIM domains
	// kept per source; the rest are counted.
	MaxNames int
	// MaxErrors caps the problems kept per input file.
	MaxErrors int
}

// DefaultLimits are the limits used for any zero field.
var DefaultLimits = Limits{
	MaxDecompressed: 2 << 30,
	MaxRatio:        250,
	RatioFloor:      8 << 20,
	MaxBuffered:     256 << 20,
	MaxMembers:      1000,
	MaxMessages:     100000,
	MaxNesting:      4,
	MaxXMLDepth:     16,
	MaxToken:        64 << 10,
	MaxRowCount:     1_000_000_000,
	MaxSources:      200000,
	MaxNames:        32,
	MaxErrors:       100,
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	pick64 := func(v, def int64) int64 {
		if v <= 0 {
			return def
		}
		return v
	}
	pick := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	return Limits{
		MaxDecompressed: pick64(l.MaxDecompressed, d.MaxDecompressed),
		MaxRatio:        pick64(l.MaxRatio, d.MaxRatio),
		RatioFloor:      pick64(l.RatioFloor, d.RatioFloor),
		MaxBuffered:     pick64(l.MaxBuffered, d.MaxBuffered),
		MaxMembers:      pick(l.MaxMembers, d.MaxMembers),
		MaxMessages:     pick(l.MaxMessages, d.MaxMessages),
		MaxNesting:      pick(l.MaxNesting, d.MaxNesting),
		MaxXMLDepth:     pick(l.MaxXMLDepth, d.MaxXMLDepth),
		MaxToken:        pick(l.MaxToken, d.MaxToken),
		MaxRowCount:     pick64(l.MaxRowCount, d.MaxRowCount),
		MaxSources:      pick(l.MaxSources, d.MaxSources),
		MaxNames:        pick(l.MaxNames, d.MaxNames),
		MaxErrors:       pick(l.MaxErrors, d.MaxErrors),
	}
}
